package io.balancestream.simulator;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import io.balancestream.events.BalanceChanged;
import io.balancestream.events.BalanceSnapshot;
import io.quarkus.arc.profile.IfBuildProfile;

/**
 * Dev mode reads its own topic back and prints each event decoded, so you see what downstream services receive.
 * It is an ordinary Kafka consumer: the same code a downstream service would write.
 */
@ApplicationScoped
@IfBuildProfile("dev")
public class DevEventTail {

    private static final Logger LOG = Logger.getLogger("balance-stream.events");

    @Incoming("balance-changed-tail")
    public void print(BalanceChanged event) {
        LOG.infof("Received %s event #%d of account %s: %s %s -> %s %s%n%s", event.getChanges(), event.getSequence(),
                event.getAccountId(), amount(event.getPrevious()), currency(event.getPrevious()),
                event.getCurrent().getBalanceAmount().toPlainString(), event.getCurrent().getCurrencyCode(), event);
    }

    private static String amount(BalanceSnapshot snapshot) {
        return snapshot == null ? "(none)" : snapshot.getBalanceAmount().toPlainString();
    }

    private static String currency(BalanceSnapshot snapshot) {
        return snapshot == null ? "" : snapshot.getCurrencyCode();
    }
}
