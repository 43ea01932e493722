package io.autorunner.handler.github;

/**
 * Both halves of what the handler asks GitHub about, as one client provides them: the runners
 * ({@link RunnerRegistry}) and the jobs ({@link WorkflowJobs}). The task flows and the reconciler
 * take it whole and hand each of their parts only the half it uses.
 */
public interface GitHubActions extends RunnerRegistry, WorkflowJobs {}
