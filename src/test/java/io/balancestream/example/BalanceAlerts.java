package io.balancestream.example;

import java.math.BigDecimal;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import io.balancestream.events.BalanceChanged;
import io.quarkus.logging.Log;

// The downstream consumer of the README, verbatim (ConsumerExampleTest keeps the two equal and runs it).
@ApplicationScoped
public class BalanceAlerts {

    @Incoming("balances")
    public void onBalanceChanged(BalanceChanged event) {
        BigDecimal before = event.getPrevious() == null ? null : event.getPrevious().getBalanceAmount();
        Log.infof("%s #%d %s: %s -> %s %s", event.getAccountId(), event.getSequence(), event.getChanges(),
                before, event.getCurrent().getBalanceAmount(), event.getCurrent().getCurrencyCode());
    }
}
