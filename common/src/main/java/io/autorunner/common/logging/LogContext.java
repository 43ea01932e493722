package io.autorunner.common.logging;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * Fields of the work in hand, put in the MDC of this thread for as long as the work runs, so every
 * line logged meanwhile (however deep) carries them; restored when the scope closes.
 */
public final class LogContext {

  private LogContext() {}

  /**
   * Puts {@code name, value, name, value, …} (null values skipped) until the scope closes; a name
   * set by an outer scope gets its value back then.
   */
  public static TraceContext.Scope with(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    List<Runnable> restore = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      String name = (String) namesAndValues[i];
      Object value = namesAndValues[i + 1];
      if (value == null) {
        continue;
      }
      String before = MDC.get(name);
      MDC.put(name, value.toString());
      restore.add(before == null ? () -> MDC.remove(name) : () -> MDC.put(name, before));
    }
    return () -> {
      for (int i = restore.size() - 1; i >= 0; i--) {
        restore.get(i).run();
      }
    };
  }
}
