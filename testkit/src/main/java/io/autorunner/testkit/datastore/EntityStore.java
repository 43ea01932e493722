package io.autorunner.testkit.datastore;

import com.google.datastore.v1.BeginTransactionRequest;
import com.google.datastore.v1.BeginTransactionResponse;
import com.google.datastore.v1.CommitRequest;
import com.google.datastore.v1.CommitResponse;
import com.google.datastore.v1.Entity;
import com.google.datastore.v1.EntityResult;
import com.google.datastore.v1.Key;
import com.google.datastore.v1.LookupRequest;
import com.google.datastore.v1.LookupResponse;
import com.google.datastore.v1.Mutation;
import com.google.datastore.v1.MutationResult;
import com.google.datastore.v1.ReadOptions;
import com.google.datastore.v1.RollbackRequest;
import com.google.datastore.v1.RollbackResponse;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.rpc.Code;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake's state and the Datastore semantics it keeps: entities with a version per key, and
 * optimistic read-write transactions. A transactional commit is refused with ABORTED when an entity
 * the transaction read (found or missing) was written since; the client then runs the transaction
 * again. One lock over everything: a fake is for correctness, not throughput.
 */
final class EntityStore {

  /** An open or finished transaction; {@code reads} holds the version of each key it read. */
  private static final class Transaction {
    final boolean readOnly;
    final Map<Key, Long> reads = new HashMap<>();
    boolean finished;

    Transaction(boolean readOnly) {
      this.readOnly = readOnly;
    }
  }

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<Key, Entity> entities = new LinkedHashMap<>();

  /** The version of every key ever written, deleted ones included (0: never written). */
  private final Map<Key, Long> versions = new HashMap<>();

  private final Map<ByteString, Transaction> transactions = new HashMap<>();
  private long lastVersion;
  private long lastId;

  EntityStore(Clock clock) {
    this.clock = clock;
  }

  synchronized BeginTransactionResponse begin(BeginTransactionRequest request) {
    return BeginTransactionResponse.newBuilder()
        .setTransaction(open(request.getTransactionOptions().hasReadOnly()))
        .build();
  }

  synchronized LookupResponse lookup(LookupRequest request) {
    ReadOptions options = request.getReadOptions();
    LookupResponse.Builder response = LookupResponse.newBuilder().setReadTime(now());
    Transaction transaction = null;
    if (options.hasNewTransaction()) {
      ByteString id = open(options.getNewTransaction().hasReadOnly());
      response.setTransaction(id);
      transaction = transactions.get(id);
    } else if (!options.getTransaction().isEmpty()) {
      transaction = active(options.getTransaction());
    }
    for (Key requested : request.getKeysList()) {
      Key key = Keys.normalize(request.getProjectId(), request.getDatabaseId(), requested);
      long version = versions.getOrDefault(key, 0L);
      if (transaction != null) {
        transaction.reads.putIfAbsent(key, version);
      }
      Entity found = entities.get(key);
      if (found == null) {
        // The client matches results to its keys: answer with the key as it was asked for.
        response.addMissing(
            EntityResult.newBuilder()
                .setEntity(Entity.newBuilder().setKey(requested))
                .setVersion(lastVersion));
      } else {
        response.addFound(
            EntityResult.newBuilder()
                .setEntity(found.toBuilder().setKey(requested))
                .setVersion(version)
                .setUpdateTime(now()));
      }
    }
    return response.build();
  }

  synchronized CommitResponse commit(CommitRequest request) {
    if (!request.getTransaction().isEmpty()) {
      Transaction transaction = active(request.getTransaction());
      // Finished either way; a failed one stays known until the client's rollback of it.
      transaction.finished = true;
      if (transaction.readOnly && request.getMutationsCount() > 0) {
        throw RpcFailure.invalid("A read-only transaction cannot write.");
      }
      for (Map.Entry<Key, Long> read : transaction.reads.entrySet()) {
        // Compared as numbers: two boxed versions past 127 are different objects.
        if (versions.getOrDefault(read.getKey(), 0L).longValue() != read.getValue().longValue()) {
          throw RpcFailure.contention();
        }
      }
      transactions.remove(request.getTransaction());
    }
    // All mutations or none: check them all before applying any.
    List<Mutation> mutations = request.getMutationsList();
    for (Mutation mutation : mutations) {
      check(request, mutation);
    }
    CommitResponse.Builder response = CommitResponse.newBuilder().setCommitTime(now());
    for (Mutation mutation : mutations) {
      response.addMutationResults(apply(request, mutation));
    }
    return response.build();
  }

  synchronized RollbackResponse rollback(RollbackRequest request) {
    // The client rolls back after a commit that failed (ABORTED): a finished transaction is fine.
    if (transactions.remove(request.getTransaction()) == null) {
      throw RpcFailure.invalid("The referenced transaction has expired or is no longer valid.");
    }
    return RollbackResponse.getDefaultInstance();
  }

  synchronized List<StoredEntity> all() {
    List<StoredEntity> all = new ArrayList<>();
    entities.forEach(
        (key, entity) ->
            all.add(
                new StoredEntity(
                    key.getPartitionId().getProjectId(),
                    key.getPartitionId().getDatabaseId(),
                    key.getPartitionId().getNamespaceId(),
                    entity,
                    versions.get(key))));
    return all;
  }

  private void check(CommitRequest request, Mutation mutation) {
    Key key =
        Keys.normalize(request.getProjectId(), request.getDatabaseId(), Keys.target(mutation));
    boolean exists = entities.containsKey(key);
    switch (mutation.getOperationCase()) {
      case INSERT -> {
        if (exists) {
          throw new RpcFailure(Code.ALREADY_EXISTS, "entity already exists: " + Keys.describe(key));
        }
      }
      case UPDATE -> {
        if (!exists) {
          throw new RpcFailure(Code.NOT_FOUND, "no entity to update: " + Keys.describe(key));
        }
      }
      case UPSERT, DELETE -> {}
      default -> throw RpcFailure.invalid("A mutation needs an operation.");
    }
  }

  private MutationResult apply(CommitRequest request, Mutation mutation) {
    Key key =
        Keys.normalize(request.getProjectId(), request.getDatabaseId(), Keys.target(mutation));
    long current = versions.getOrDefault(key, 0L);
    if (mutation.hasBaseVersion() && mutation.getBaseVersion() != current) {
      return MutationResult.newBuilder().setVersion(current).setConflictDetected(true).build();
    }
    MutationResult.Builder result = MutationResult.newBuilder();
    if (Keys.incomplete(key)) {
      key = Keys.withId(key, ++lastId);
      result.setKey(Keys.withId(Keys.target(mutation), lastId));
    }
    long version = ++lastVersion;
    versions.put(key, version);
    if (mutation.getOperationCase() == Mutation.OperationCase.DELETE) {
      entities.remove(key);
    } else {
      Entity written =
          mutation.getOperationCase() == Mutation.OperationCase.INSERT
              ? mutation.getInsert()
              : mutation.getOperationCase() == Mutation.OperationCase.UPDATE
                  ? mutation.getUpdate()
                  : mutation.getUpsert();
      entities.put(key, written.toBuilder().setKey(key).build());
    }
    return result.setVersion(version).setUpdateTime(now()).build();
  }

  private ByteString open(boolean readOnly) {
    byte[] id = new byte[16];
    random.nextBytes(id);
    ByteString transaction = ByteString.copyFrom(id);
    transactions.put(transaction, new Transaction(readOnly));
    return transaction;
  }

  private Transaction active(ByteString id) {
    Transaction transaction = transactions.get(id);
    if (transaction == null || transaction.finished) {
      throw RpcFailure.invalid("The referenced transaction has expired or is no longer valid.");
    }
    return transaction;
  }

  private Timestamp now() {
    Instant now = clock.instant();
    return Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
  }
}
