package io.autorunner.common.config;

import java.util.Optional;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;

/**
 * Runs a service. When configuration is missing or invalid it exits with status 2 after one line
 * that names the key and the problem, instead of a stack trace to dig through.
 */
public final class Startup {

  private Startup() {}

  public static void run(Class<?> application, String[] args) {
    try {
      SpringApplication.run(application, args);
    } catch (RuntimeException e) {
      String problem = configurationProblem(e).orElseThrow(() -> e);
      System.err.println("autorunner: refusing to start: " + problem);
      System.exit(2);
    }
  }

  /** The one-line description of a configuration failure; empty when it is something else. */
  public static Optional<String> configurationProblem(Throwable failure) {
    // Spring Boot wraps a BindValidationException in a BindException: look for it first, or the
    // BindException branch below would answer with its multi-line message.
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindValidationException validation) {
        ObjectError error = validation.getValidationErrors().getAllErrors().get(0);
        String key =
            error instanceof FieldError field
                ? validation.getValidationErrors().getName() + "." + kebab(field.getField())
                : validation.getValidationErrors().getName().toString();
        return Optional.of(key + " " + error.getDefaultMessage());
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof MissingConfigurationException missing) {
        return Optional.of(missing.getMessage());
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof BindException bind) {
        Throwable root = bind;
        while (root.getCause() != null) {
          root = root.getCause();
        }
        String message = root.getMessage();
        if (message != null && message.startsWith("autorunner.")) {
          return Optional.of(message);
        }
        return Optional.of(bind.getName() + ": " + message);
      }
    }
    return Optional.empty();
  }

  private static String kebab(String field) {
    return field.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }
}
