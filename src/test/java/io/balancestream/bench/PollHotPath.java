package io.balancestream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.ChangeDetector;
import io.balancestream.balance.InvoiceSummaryParser;
import io.balancestream.balance.PublishedState;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.event.BalanceChangedSerializer;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.events.PollTrigger;

/**
 * The CPU work of one poll after HTTP, on Microsoft's sample summary: parse, detect, and for a change map and
 * serialize. Run with {@code ./mvnw -Pjmh test-compile exec:exec} (time and, through JMH's gc profiler, bytes
 * allocated per poll: {@code gc.alloc.rate.norm}); figures in the README. Not part of the tests.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
public class PollHotPath {

    private static final PartnerAccount ACCOUNT = new PartnerAccount("contoso", "tenant", "client", "secret",
            Cloud.GLOBAL, URI.create("https://api.partnercenter.microsoft.com"),
            URI.create("https://login.microsoftonline.com/tenant/oauth2/v2.0/token"),
            "https://api.partnercenter.microsoft.com/.default");
    private static final int BODIES = 16;

    private final InvoiceSummaryParser parser = new InvoiceSummaryParser();
    private final ChangeDetector detector = new ChangeDetector();
    private final BalanceChangedSerializer serializer = new BalanceChangedSerializer();
    private final String[] changedBodies = new String[BODIES];
    private String sample;
    private String sameBodyAgain;
    private AccountSummary lastSnapshot;
    private PublishedState baseline;
    private int next;

    @Setup
    public void setUp() {
        sample = sample();
        // A distinct String with the same text, as the next poll's response would be.
        sameBodyAgain = new String(sample.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
        lastSnapshot = parser.parse(sample);
        baseline = new PublishedState(lastSnapshot, 1);
        for (int i = 0; i < BODIES; i++) {
            changedBodies[i] = sample.replaceFirst("\"balanceAmount\": 751094.39",
                    "\"balanceAmount\": " + (751094 + i + 1) + ".39");
        }
    }

    /** What most polls cost: the body is the last one again, so the service skips the parse and compares. */
    @Benchmark
    public Optional<BalanceTransition> unchangedPollAsTheServiceRunsIt() {
        AccountSummary current = sameBodyAgain.equals(sample) ? lastSnapshot : parser.parse(sameBodyAgain);
        return detector.detect(baseline, current);
    }

    /** A body never seen before that holds no change (after a restart, or a new accountingDate only). */
    @Benchmark
    public Optional<BalanceTransition> parseAndDetectWithoutChange() {
        return detector.detect(baseline, parser.parse(sameBodyAgain));
    }

    /** A poll that publishes: parse, detect, map to the Avro event, serialize (single-object encoding). */
    @Benchmark
    public byte[] changedPoll() {
        String body = changedBodies[next++ & (BODIES - 1)];
        BalanceTransition transition = detector.detect(baseline, parser.parse(body)).orElseThrow();
        return serializer.serialize("partner-center.balance-changed", BalanceEventMapper.toEvent(ACCOUNT,
                transition, "request-id", "correlation-id", Instant.now(), PollTrigger.SCHEDULE));
    }

    private static String sample() {
        try (InputStream in = PollHotPath.class.getResourceAsStream("/simulator/invoice-summary-sample.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
