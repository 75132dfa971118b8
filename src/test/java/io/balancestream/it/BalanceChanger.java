package io.balancestream.it;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** Changes simulated balances in the background, one account after another, and remembers the last of each. */
final class BalanceChanger implements AutoCloseable {

    private final List<String> accounts;
    private final Function<String, String> tenantOf;
    private final Map<String, BigDecimal> last = new ConcurrentHashMap<>();
    private final AtomicLong changes = new AtomicLong();
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

    BalanceChanger(List<String> accounts, Function<String, String> tenantOf, BigDecimal initial) {
        this.accounts = accounts;
        this.tenantOf = tenantOf;
        accounts.forEach(account -> last.put(account, initial));
    }

    /** Every {@code periodMillis} the next account (round robin) gets a new balance, unique in the run. */
    BalanceChanger start(long periodMillis) {
        executor.scheduleAtFixedRate(this::changeNext, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    private void changeNext() {
        long n = changes.incrementAndGet();
        String account = accounts.get((int) (n % accounts.size()));
        BigDecimal balance = new BigDecimal(n + ".01").add(BigDecimal.valueOf(accounts.indexOf(account), 2));
        try {
            Simulator.setBalance(tenantOf.apply(account), balance.toPlainString());
            last.put(account, balance);
        } catch (RuntimeException | AssertionError e) {
            // the simulator did not take it: the last balance stays what it was
        }
    }

    long changes() {
        return changes.get();
    }

    Map<String, BigDecimal> lastBalances() {
        return Map.copyOf(last);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
