package io.autorunner.handler.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/** An amount of money in one currency (ISO 4217 code, e.g. {@code USD}). */
public record Money(BigDecimal amount, String currency) {
  public Money {
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    if (!currency.matches("[A-Z]{3}")) {
      throw new IllegalArgumentException("not an ISO 4217 currency code: " + currency);
    }
  }

  /** {@code USD 0.42}: cents are what a VM's minutes cost. */
  @Override
  public String toString() {
    return currency + " " + amount.setScale(2, RoundingMode.HALF_UP).toPlainString();
  }
}
