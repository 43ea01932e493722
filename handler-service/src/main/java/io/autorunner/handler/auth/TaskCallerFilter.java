package io.autorunner.handler.auth;

import io.autorunner.common.event.UntrustedText;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Lets only the Cloud Tasks invoker reach {@code /tasks/**} and the status page ({@code /status}):
 * a refused request is answered here (401, 403 or 503 with {@code {"error": "..."}}) and never
 * reaches a controller. The page shows every repository's jobs, so the runner VMs, which may also
 * invoke the service, must not read it. Other paths ({@code /healthz}, the VMs' own {@code
 * /vm/runner-config}, which checks its callers itself) pass untouched.
 */
public final class TaskCallerFilter extends OncePerRequestFilter {

  /**
   * Request attribute with the accepted caller's e-mail (readable with {@code @RequestAttribute}).
   */
  public static final String CALLER_ATTRIBUTE = "io.autorunner.handler.auth.caller";

  static final String SERVERLESS_AUTHORIZATION = "X-Serverless-Authorization";

  private static final String GUARDED_PREFIX = "/tasks/";

  private static final String STATUS = "/status";

  private static final Logger log = LoggerFactory.getLogger(TaskCallerFilter.class);

  private final CallerVerifier verifier;

  /**
   * Path as the dispatcher will route it: decoded, {@code ;params} and duplicate slashes removed,
   * so {@code //tasks/x} or {@code /tasks;a=b/x} cannot slip past the prefix check.
   */
  private final UrlPathHelper paths = new UrlPathHelper();

  public TaskCallerFilter(CallerVerifier verifier) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
  }

  @Override
  protected boolean shouldNotFilter(HttpServletRequest request) {
    String path = paths.getPathWithinApplication(request).toLowerCase(Locale.ROOT);
    return !(path.startsWith(GUARDED_PREFIX)
        || path.equals("/tasks")
        || path.equals(STATUS)
        || path.startsWith(STATUS + "/"));
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    CallerCheck check =
        verifier.verify(
            request.getHeader(HttpHeaders.AUTHORIZATION),
            request.getHeader(SERVERLESS_AUTHORIZATION));
    if (check instanceof CallerCheck.Accepted accepted) {
      request.setAttribute(CALLER_ATTRIBUTE, accepted.email());
      chain.doFilter(request, response);
      return;
    }
    CallerCheck.Refused refused = (CallerCheck.Refused) check;
    log.warn(
        "refused {} {}: {} {}",
        request.getMethod(),
        UntrustedText.printable(
            paths.getPathWithinApplication(request),
            UntrustedText.Alphabet.ASCII,
            UntrustedText.MAX),
        refused.httpStatus(),
        refused.reason());
    refuse(response, refused);
  }

  private static void refuse(HttpServletResponse response, CallerCheck.Refused check)
      throws IOException {
    response.setStatus(check.httpStatus());
    if (check instanceof CallerCheck.Unauthenticated) {
      response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    // A fixed word per outcome: the details are in our log, not handed to whoever knocked.
    response.getWriter().write("{\"error\": \"" + errorWord(check) + "\"}");
  }

  private static String errorWord(CallerCheck.Refused check) {
    if (check instanceof CallerCheck.Unauthenticated) {
      return "unauthenticated";
    }
    if (check instanceof CallerCheck.Forbidden) {
      return "forbidden";
    }
    return "caller check unavailable, retry later";
  }
}
