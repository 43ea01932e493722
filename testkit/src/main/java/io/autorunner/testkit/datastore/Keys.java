package io.autorunner.testkit.datastore;

import com.google.datastore.v1.Key;
import com.google.datastore.v1.Mutation;
import com.google.datastore.v1.PartitionId;

/** Keys as the fake stores and names them. */
final class Keys {

  private Keys() {}

  static Key target(Mutation mutation) {
    return switch (mutation.getOperationCase()) {
      case INSERT -> mutation.getInsert().getKey();
      case UPDATE -> mutation.getUpdate().getKey();
      case UPSERT -> mutation.getUpsert().getKey();
      case DELETE -> mutation.getDelete();
      default -> throw RpcFailure.invalid("A mutation needs an operation.");
    };
  }

  /**
   * The key as stored: in the partition the request names (the client may leave the key's project
   * and database out), with its own namespace.
   */
  static Key normalize(String project, String database, Key key) {
    if (key.getPathCount() == 0) {
      throw RpcFailure.invalid("A key needs a path.");
    }
    return key.toBuilder()
        .setPartitionId(
            PartitionId.newBuilder()
                .setProjectId(project)
                .setDatabaseId(database)
                .setNamespaceId(key.getPartitionId().getNamespaceId()))
        .build();
  }

  static boolean incomplete(Key key) {
    Key.PathElement last = key.getPath(key.getPathCount() - 1);
    return last.getIdTypeCase() == Key.PathElement.IdTypeCase.IDTYPE_NOT_SET;
  }

  static Key withId(Key key, long id) {
    int last = key.getPathCount() - 1;
    return key.toBuilder().setPath(last, key.getPath(last).toBuilder().setId(id)).build();
  }

  static String describe(Key key) {
    Key.PathElement last = key.getPath(key.getPathCount() - 1);
    return last.getKind() + "/" + (last.getName().isEmpty() ? last.getId() : last.getName());
  }
}
