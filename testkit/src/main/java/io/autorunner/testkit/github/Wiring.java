package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.http.JsonServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fake GitHub's parts, built once and wired together: who calls whom, which lock guards what,
 * and every REST route in the order it is tried. {@link FakeGitHub}'s methods delegate to them.
 */
final class Wiring implements AutoCloseable {

  final Timeline clock = new Timeline("fake-github-clock");
  final Faults faults = new Faults(7);
  final Delay runTime = new Delay(Duration.ofMillis(500));
  final Delay handOver = new Delay(Duration.ZERO);
  final Delay runnerBootDelay = new Delay(Duration.ZERO);
  final Delay lostRunnerDelay = new Delay(Duration.ofMillis(200));

  /** By default a VM's script takes the runner boot delay before its request, nothing after. */
  final AtomicReference<GuestBoot> guestBoot =
      new AtomicReference<>(vm -> new GuestBoot.Timing(runnerBootDelay.get(), Duration.ZERO));

  final DeliveryFaults deliveryFaults = new DeliveryFaults(faults);
  final ActionsState state = new ActionsState();
  final Accounts accounts = new Accounts();
  final ApiMeter meter = new ApiMeter();
  final JsonServer server;
  final Repositories repositories;
  final RunnerGroups runnerGroups;
  final Webhooks webhooks;
  final Dispatcher dispatcher;
  final JobQueue queue;
  final RunnerProcesses processes;
  final AppManifests manifests = new AppManifests(this::baseUrl);

  Wiring(int port, FakeGitHub face) {
    this.server =
        new JsonServer(
            "fake-github",
            port,
            message -> GitHubErrors.error(400, "Problems parsing JSON: " + message),
            what -> GitHubErrors.notFound());
    this.repositories = new Repositories(state.lock, accounts::isUser, this::baseUrl);
    this.runnerGroups = new RunnerGroups(state.lock, accounts::isUser, new GroupMembers());
    HookDeliveries hookDeliveries = new HookDeliveries(this::baseUrl);
    this.webhooks = new Webhooks(state.lock, deliveryFaults, hookDeliveries);
    AppInstallations installations =
        new AppInstallations(state.lock, accounts::isUser, this::baseUrl, repositories, meter);
    JobEvents events = new JobEvents(repositories, installations, webhooks);
    this.dispatcher =
        new Dispatcher(state, repositories, runnerGroups, events, faults, clock, runTime, handOver);
    WorkflowRuns runs = new WorkflowRuns(state, repositories);
    this.queue = new JobQueue(state, repositories, runs, dispatcher, events);
    this.processes = new RunnerProcesses(state, dispatcher, clock, guestBoot::get, lostRunnerDelay);

    server.filter(new RequestAuth(faults)::filter);
    server.decorate(meter::decorate);
    String org = "/orgs/([^/]+)";
    String repo = "/repos/([^/]+)/([^/]+)";
    new RunnerEndpoints(state, accounts, runnerGroups, dispatcher, this::baseUrl)
        .routes(server, org, repo);
    new RunnerGroupEndpoints(state.lock, runnerGroups, repositories, this::baseUrl).routes(server);
    new RunnerGroupRepositoryEndpoints(state.lock, runnerGroups, repositories).routes(server);
    server.route("GET", repo, repositories::get);
    new WorkflowRunEndpoints(state, runs, meter, queue::rerunLocked).routes(server, repo);
    installations.routes(server, org, repo);
    hookDeliveries.routes(server, webhooks::redeliver);
    manifests.routes(server);
    new ControlEndpoints(face).routes(server);
  }

  URI baseUrl() {
    return server.baseUrl();
  }

  /** What changes to runner groups do to runners and queued jobs. */
  private final class GroupMembers implements RunnerGroups.Members {
    @Override
    public void groupDeleted(String org, long groupId) {
      synchronized (state.lock) {
        dispatcher.moveToDefaultGroup(org, groupId);
      }
    }

    @Override
    public void admissionChanged() {
      dispatcher.dispatch();
    }
  }

  @Override
  public void close() {
    server.close();
    clock.close();
    webhooks.close();
    processes.close();
  }
}
