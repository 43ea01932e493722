package io.autorunner.testkit.datastore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.datastore.Datastore;
import com.google.cloud.datastore.DatastoreException;
import com.google.cloud.datastore.DatastoreOptions;
import com.google.cloud.datastore.Entity;
import com.google.cloud.datastore.Key;
import com.google.cloud.datastore.Transaction;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake speaks the wire format of the real client's HTTP transport, and keeps its semantics. */
class FakeDatastoreTest {

  private final FakeDatastore fake = new FakeDatastore();
  private final Datastore client = client("autorunner", "");
  private final Key job = client.newKeyFactory().setKind("Job").newKey("42");

  @AfterEach
  void close() {
    fake.close();
  }

  @Test
  void whatIsPutIsGotBackWithItsProperties() {
    client.put(Entity.newBuilder(job).set("state", "queued").set("attempt", 2).build());

    Entity got = client.get(job);

    assertThat(got.getString("state")).isEqualTo("queued");
    assertThat(got.getLong("attempt")).isEqualTo(2);
    assertThat(client.get(client.newKeyFactory().setKind("Job").newKey("43"))).isNull();
  }

  @Test
  void entitiesAreInspectableInTheirDatabaseAndNamespace() {
    Datastore staging = client("autorunner", "staging");
    Key key = staging.newKeyFactory().setKind("Job").newKey("42");
    staging.put(Entity.newBuilder(key).set("state", "queued").build());

    StoredEntity stored = fake.entity("Job", "42").orElseThrow();
    assertThat(stored.database()).isEqualTo("autorunner");
    assertThat(stored.namespace()).isEqualTo("staging");
    assertThat(stored.property("state").orElseThrow().getStringValue()).isEqualTo("queued");
    assertThat(client.get(job)).as("another namespace is another entity").isNull();
  }

  @Test
  void aWriteGivesTheEntityANewerVersion() {
    client.put(Entity.newBuilder(job).set("state", "queued").build());
    long first = fake.entity("Job", "42").orElseThrow().version();

    client.put(Entity.newBuilder(job).set("state", "done").build());

    assertThat(fake.entity("Job", "42").orElseThrow().version()).isGreaterThan(first);
  }

  @Test
  void aTransactionWhoseReadWasOverwrittenIsAbortedAsContention() {
    client.put(Entity.newBuilder(job).set("state", "queued").build());
    Transaction slow = client.newTransaction();
    slow.get(job);
    Transaction fast = client.newTransaction();
    fast.get(job);
    fast.put(Entity.newBuilder(job).set("state", "fast").build());
    fast.commit();

    slow.put(Entity.newBuilder(job).set("state", "slow").build());
    DatastoreException refused = catchThrowableOfType(DatastoreException.class, slow::commit);

    assertThat(refused.getReason()).isEqualTo("ABORTED");
    assertThat(refused.getCode()).as("runInTransaction runs again on this code").isEqualTo(10);
    slow.rollback();
    assertThat(client.get(job).getString("state")).isEqualTo("fast");
  }

  @Test
  void aTransactionThatReadAMissingEntityIsAbortedWhenItAppeared() {
    Transaction slow = client.newTransaction();
    assertThat(slow.get(job)).isNull();
    client.put(Entity.newBuilder(job).set("state", "other").build());

    slow.put(Entity.newBuilder(job).set("state", "slow").build());

    assertThat(catchThrowableOfType(DatastoreException.class, slow::commit).getReason())
        .isEqualTo("ABORTED");
  }

  @Test
  void runInTransactionRunsAgainAfterAnAbortedCommit() {
    AtomicInteger runs = new AtomicInteger();
    fake.abortNextCommits(2);

    client.runInTransaction(
        transaction -> {
          runs.incrementAndGet();
          transaction.put(Entity.newBuilder(job).set("state", "queued").build());
          return null;
        });

    assertThat(runs).hasValue(3);
    assertThat(fake.calls("rollback")).as("the client rolls back each refused one").isEqualTo(2);
    assertThat(client.get(job).getString("state")).isEqualTo("queued");
  }

  @Test
  void insertOfAnExistingEntityAndUpdateOfAMissingOneAreRefused() {
    client.add(Entity.newBuilder(job).set("state", "queued").build());

    assertThat(
            catchThrowableOfType(
                    DatastoreException.class,
                    () -> client.add(Entity.newBuilder(job).set("state", "again").build()))
                .getReason())
        .isEqualTo("ALREADY_EXISTS");
    Key missing = client.newKeyFactory().setKind("Job").newKey("43");
    assertThat(
            catchThrowableOfType(
                    DatastoreException.class,
                    () -> client.update(Entity.newBuilder(missing).set("state", "x").build()))
                .getReason())
        .isEqualTo("NOT_FOUND");
  }

  @Test
  void aDeletedEntityIsGone() {
    client.put(Entity.newBuilder(job).set("state", "queued").build());

    client.delete(job);

    assertThat(client.get(job)).isNull();
    assertThat(fake.entities()).isEmpty();
  }

  @Test
  void anOutageAnswersUnavailableUntilItIsOver() {
    fake.failNext(3);

    DatastoreException refused =
        catchThrowableOfType(DatastoreException.class, () -> client.get(job));

    assertThat(refused.getReason()).isEqualTo("UNAVAILABLE");
    assertThat(refused.isRetryable()).isTrue();
    assertThat(fake.calls("lookup")).as("the client tried each of its attempts").isEqualTo(3);
    assertThat(client.get(job)).isNull();
  }

  private Datastore client(String database, String namespace) {
    DatastoreOptions.Builder options =
        DatastoreOptions.newBuilder()
            .setProjectId("test-project")
            .setDatabaseId(database)
            .setHost(fake.baseUrl().toString())
            .setCredentials(NoCredentials.getInstance())
            .setRetrySettings(
                RetrySettings.newBuilder()
                    .setMaxAttempts(3)
                    .setInitialRetryDelayDuration(Duration.ofMillis(1))
                    .setMaxRetryDelayDuration(Duration.ofMillis(5))
                    .setTotalTimeoutDuration(Duration.ofSeconds(10))
                    .build());
    if (!namespace.isEmpty()) {
      options.setNamespace(namespace);
    }
    return options.build().getService();
  }
}
