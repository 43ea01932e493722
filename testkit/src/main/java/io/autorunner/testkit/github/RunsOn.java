package io.autorunner.testkit.github;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What GitHub does to a job's {@code runs-on} before it queues the job: evaluates its {@code ${{
 * }}} expressions, so the labels a webhook, the REST API and the dispatcher see are the values.
 * Only the expressions autorunner's README writes are modelled: {@code github.run_id}, {@code
 * github.run_attempt} and {@code strategy.job-index}; {@code github.job} is null where {@code
 * runs-on} is evaluated (the runner sets it, within a job's steps), so it gives an empty string, as
 * GitHub's does. Any other expression is refused, so no test leans on what the fake does not model.
 */
final class RunsOn {

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{\\{\\s*([^}]*?)\\s*}}");

  private RunsOn() {}

  /** The labels of one job of a run: {@code runsOn} as written, evaluated for that job. */
  static List<String> evaluate(List<String> runsOn, long runId, int runAttempt, int jobIndex) {
    return runsOn.stream().map(label -> evaluate(label, runId, runAttempt, jobIndex)).toList();
  }

  private static String evaluate(String label, long runId, int runAttempt, int jobIndex) {
    Matcher expression = EXPRESSION.matcher(label);
    StringBuilder value = new StringBuilder();
    while (expression.find()) {
      String result =
          switch (expression.group(1)) {
            case "github.run_id" -> Long.toString(runId);
            case "github.run_attempt" -> Integer.toString(runAttempt);
            case "strategy.job-index" -> Integer.toString(jobIndex);
            case "github.job" -> "";
            default ->
                throw new IllegalArgumentException(
                    "the fake does not evaluate ${{ " + expression.group(1) + " }} in runs-on");
          };
      expression.appendReplacement(value, Matcher.quoteReplacement(result));
    }
    return expression.appendTail(value).toString();
  }
}
