package io.autorunner.testkit.datastore;

import com.google.datastore.v1.Entity;
import com.google.datastore.v1.Value;
import java.util.List;
import java.util.Optional;

/**
 * An entity as the fake holds it, for tests to inspect.
 *
 * @param project the project id the client named
 * @param database the database id it lives in ({@code ""} is the default database)
 * @param namespace its namespace ({@code ""} is the default)
 * @param entity the entity, key included
 * @param version its version: grows with every write of the entity
 */
public record StoredEntity(
    String project, String database, String namespace, Entity entity, long version) {

  public String kind() {
    return lastPathElement().getKind();
  }

  /** The key's name, or empty for a numeric id. */
  public String name() {
    return lastPathElement().getName();
  }

  public Optional<Value> property(String name) {
    return Optional.ofNullable(entity.getPropertiesMap().get(name));
  }

  /** The string values of an array property (empty when it is missing). */
  public List<String> strings(String name) {
    return property(name)
        .map(v -> v.getArrayValue().getValuesList().stream().map(Value::getStringValue).toList())
        .orElse(List.of());
  }

  private com.google.datastore.v1.Key.PathElement lastPathElement() {
    com.google.datastore.v1.Key key = entity.getKey();
    return key.getPath(key.getPathCount() - 1);
  }
}
