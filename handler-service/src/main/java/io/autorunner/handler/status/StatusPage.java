package io.autorunner.handler.status;

import io.autorunner.common.task.JobRef;
import io.autorunner.handler.status.StatusSnapshot.QueuedRow;
import io.autorunner.handler.status.StatusSnapshot.VmRow;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.StockOuts.StockOut;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.springframework.web.util.HtmlUtils;

/**
 * The page as plain server-side HTML that reloads itself: no script, no build. Every text that came
 * from GCE or GitHub is escaped (labels and repository names are anyone's input).
 */
final class StatusPage {

  private static final String STYLE =
      "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
          + "table{border-collapse:collapse;margin:.5em 0 1.5em}"
          + "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}"
          + "th{background:#f3f3f3}.muted{color:#777}.problem{color:#a00}"
          + ".busy{color:#060;font-weight:bold}.idle{color:#05a}.booting{color:#a60}";

  private final LogsExplorer logs;
  private final Duration refresh;
  private final Duration stockOutWindow;

  StatusPage(LogsExplorer logs, Duration refresh, Duration stockOutWindow) {
    this.logs = logs;
    this.refresh = refresh;
    this.stockOutWindow = stockOutWindow;
  }

  String render(StatusSnapshot status) {
    StringBuilder html = new StringBuilder(8192);
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"")
        .append(refresh.toSeconds())
        .append("\"><title>autorunner status</title><style>")
        .append(STYLE)
        .append("</style></head><body><h1>autorunner status</h1><p class=\"muted\">Read from")
        .append(" Compute Engine and GitHub at <time id=\"read-at\">")
        .append(
            text(DateTimeFormatter.ISO_INSTANT.format(status.at().truncatedTo(ChronoUnit.SECONDS))))
        .append("</time>; reloads every ")
        .append(duration(refresh))
        .append(".")
        .append(link(logs.handlerProblems(), " The handler's warnings and errors"))
        .append("</p>");
    problems(html, status.problems());
    vms(html, status);
    queued(html, status.queued());
    pools(html, status.pools());
    stockOuts(html, status.stockOuts());
    return html.append("</body></html>").toString();
  }

  private static void problems(StringBuilder html, List<String> problems) {
    if (problems.isEmpty()) {
      return;
    }
    html.append("<h2>Not read</h2><ul id=\"problems\">");
    problems.forEach(p -> html.append("<li class=\"problem\">").append(text(p)).append("</li>"));
    html.append("</ul>");
  }

  private void vms(StringBuilder html, StatusSnapshot status) {
    html.append("<h2>VMs (").append(status.vms().size()).append(")</h2>");
    if (status.vms().isEmpty()) {
      html.append("<p id=\"no-vms\">No VMs.</p>");
      return;
    }
    html.append("<table id=\"vms\"><tr><th>VM</th><th>runner</th><th>job</th><th>repository</th>")
        .append("<th>shape</th><th>zone</th><th>provisioning</th><th>age</th><th>GCE</th>")
        .append("<th>cost so far</th><th>logs</th></tr>");
    for (VmRow row : status.vms()) {
      Machine vm = row.vm();
      Optional<JobRef> job = vm.job();
      html.append("<tr data-vm=\"")
          .append(text(vm.name()))
          .append("\"><td>")
          .append(text(vm.name()))
          .append("</td><td class=\"state ")
          .append(row.state().name().toLowerCase(java.util.Locale.ROOT))
          .append("\">")
          .append(text(row.state().toString()))
          .append("</td><td>")
          .append(
              job.map(j -> j.jobId() + " (run " + j.runId() + ")")
                  .map(StatusPage::text)
                  .orElse("—"))
          .append("</td><td>")
          .append(job.map(JobRef::repository).map(StatusPage::text).orElse("—"))
          .append("</td><td>")
          .append(text(vm.shape().toString()))
          .append("</td><td>")
          .append(text(vm.zone()))
          .append("</td><td>")
          .append(vm.spot() ? "Spot" : "standard")
          .append("</td><td>")
          .append(duration(row.age()))
          .append("</td><td>")
          .append(text(vm.status().name()))
          .append("</td><td>")
          .append(row.cost().map(Money::toString).map(StatusPage::text).orElse("—"))
          .append("</td><td>")
          .append(link(logs.vm(vm.name()), "VM"))
          .append(job.map(j -> link(logs.job(j.jobId()), " job")).orElse(""))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private void queued(StringBuilder html, List<QueuedRow> queued) {
    html.append("<h2>Queued jobs (").append(queued.size()).append(")</h2>");
    if (queued.isEmpty()) {
      html.append("<p id=\"no-queued\">No job waits.</p>");
      return;
    }
    html.append("<table id=\"queued\"><tr><th>job</th><th>repository</th><th>labels</th>")
        .append("<th>waiting</th><th>VM for it</th><th>logs</th></tr>");
    for (QueuedRow row : queued) {
      JobRef job = row.job().job();
      html.append("<tr data-job=\"")
          .append(job.jobId())
          .append("\"><td>")
          .append(job.jobId())
          .append(" (run ")
          .append(job.runId())
          .append(")</td><td>")
          .append(text(job.repository()))
          .append("</td><td>")
          .append(text(String.join(", ", row.job().labels())))
          .append("</td><td class=\"waiting\">")
          .append(duration(row.waiting()))
          .append("</td><td>")
          .append(row.servedBy().map(StatusPage::text).orElse("none"))
          .append("</td><td>")
          .append(link(logs.job(job.jobId()), "job"))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private static void pools(StringBuilder html, List<Pool> pools) {
    html.append("<h2>Pools</h2>");
    if (pools.isEmpty()) {
      html.append("<p id=\"no-pools\">No pools configured.</p>");
      return;
    }
    html.append("<table id=\"pools\"><tr><th>pool</th><th>now</th><th>VMs</th></tr>");
    for (Pool pool : pools) {
      html.append("<tr data-pool=\"")
          .append(text(pool.name()))
          .append("\"><td>")
          .append(text(pool.name()))
          .append("</td><td>")
          .append(text(pool.summary()))
          .append("</td><td>")
          .append(text(String.join(", ", pool.members())))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private void stockOuts(StringBuilder html, List<StockOut> stockOuts) {
    html.append("<h2>Zones out of stock in the last ")
        .append(duration(stockOutWindow))
        .append("</h2>");
    if (stockOuts.isEmpty()) {
      html.append("<p id=\"no-stock-outs\">None.</p>");
      return;
    }
    html.append("<table id=\"stock-outs\"><tr><th>zone</th><th>when</th><th>VM</th>")
        .append("<th>Compute Engine said</th></tr>");
    for (StockOut out : stockOuts) {
      html.append("<tr><td>")
          .append(text(out.zone()))
          .append("</td><td>")
          .append(
              text(DateTimeFormatter.ISO_INSTANT.format(out.at().truncatedTo(ChronoUnit.SECONDS))))
          .append("</td><td>")
          .append(text(out.vm()))
          .append("</td><td>")
          .append(text(out.message()))
          .append("</td></tr>");
    }
    html.append("</table>");
  }

  private static String link(Optional<String> url, String label) {
    return url.map(u -> "<a href=\"" + text(u) + "\">" + text(label.strip()) + "</a>")
        .map(a -> label.startsWith(" ") ? " " + a : a)
        .orElse("");
  }

  private static String text(String raw) {
    return HtmlUtils.htmlEscape(raw, "UTF-8");
  }

  /** {@code 45s}, {@code 3m 12s}, {@code 2h 05m}, {@code 3d 4h}. */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m " + String.format("%02ds", s % 60);
    }
    if (s < 86400) {
      return s / 3600 + "h " + String.format("%02dm", s / 60 % 60);
    }
    return s / 86400 + "d " + s / 3600 % 24 + "h";
  }
}
