package io.balancestream.bench;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.balancestream.events.PollTrigger;
import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.BalanceChange;
import io.balancestream.balance.InvoiceTypeFigures;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.Cloud;
import io.balancestream.config.PartnerAccount;
import io.balancestream.state.AccountStateCodec;
import io.balancestream.state.AccountStateCodec.StoredState;
import io.balancestream.event.BalanceChangedSerializer;
import io.balancestream.event.BalanceEventMapper;
import io.balancestream.kafka.KafkaClients;
import io.balancestream.kafka.TestKafka;
import io.balancestream.ownership.AccountPartitions;
import io.balancestream.simulator.LocalKafkaBroker;

/**
 * Recovery cost with a long history: 1,000 accounts with 1,000 events each (1,000,000 events, and as many state
 * records, written the way the service writes them), then the packaged service is started and timed from process
 * start to "polling every account". Measured twice: right after the history was written (state topic not yet
 * compacted) and once Kafka's log cleaner compacted it. A benchmark, not a test: it prints figures and asserts
 * nothing about time. Run: ./mvnw verify -Pbenchmarks
 */
class RecoveryBenchmark {

    private static final int ACCOUNTS = 1000;
    private static final int EVENTS_PER_ACCOUNT = 1000;
    private static final Path WORK = Path.of("target", "recovery-benchmark");

    @Test
    void startupToPollingWithAMillionHistoricalEvents() throws Exception {
        Files.createDirectories(WORK);
        try (TestKafka kafka = TestKafka.start()) {
            TestKafka.Settings settings = new TestKafka.Settings("bench.balance-changed", "bench", 6,
                    Duration.ofSeconds(15), Duration.ofSeconds(10));
            KafkaClients clients = kafka.clients(settings);
            List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> "account-" + i).toList();
            Instant filling = Instant.now();
            fill(kafka.bootstrapServers(), settings, accounts);
            report("wrote " + ACCOUNTS * EVENTS_PER_ACCOUNT + " events and as many state records in "
                    + Duration.between(filling, Instant.now()).toSeconds() + " s");

            report("uncompacted state topic: " + measure(kafka.bootstrapServers(), accounts, "uncompacted"));
            // What an hour of quiet does to the state topic (its segments roll hourly), in seconds: roll the
            // active segments, then let Kafka's log cleaner compact them.
            rollStateSegments(clients, settings, kafka.bootstrapServers(), accounts);
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(5))
                    .until(() -> stateTopicBytes(clients) < 5L * 1024 * 1024);
            report("compacted state topic (" + stateTopicBytes(clients) / 1024 + " KiB): "
                    + measure(kafka.bootstrapServers(), accounts, "compacted"));
        }
    }

    private static void fill(String bootstrap, TestKafka.Settings settings, List<String> accounts) {
        PartnerAccount template = new PartnerAccount("x", "tenant", "client", "secret", Cloud.GLOBAL,
                Cloud.GLOBAL.apiUrl(), Cloud.GLOBAL.tokenUrl("tenant"), Cloud.GLOBAL.scope());
        BalanceChangedSerializer serializer = new BalanceChangedSerializer();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int sequence = 1; sequence <= EVENTS_PER_ACCOUNT; sequence++) {
                for (String accountId : accounts) {
                    PartnerAccount account = new PartnerAccount(accountId, template.tenantId(), template.clientId(),
                            template.clientSecret(), template.cloud(), template.apiUrl(), template.tokenUrl(),
                            template.scope());
                    AccountSummary before = snapshot(sequence - 1);
                    BalanceTransition transition = new BalanceTransition(sequence == 1 ? null : before,
                            snapshot(sequence), sequence == 1 ? java.util.Set.of(BalanceChange.FIRST_OBSERVATION)
                                    : java.util.Set.of(BalanceChange.BALANCE), sequence);
                    byte[] event = serializer.serialize(settings.topic(), BalanceEventMapper.toEvent(account,
                            transition, "request", "correlation", Instant.now(), PollTrigger.SCHEDULE));
                    int partition = AccountPartitions.partitionOf(accountId, settings.partitions());
                    producer.send(new ProducerRecord<>(settings.topic(), partition, accountId, event));
                    producer.send(new ProducerRecord<>(settings.stateTopicName(), partition, accountId,
                            AccountStateCodec.encode(new StoredState(accountId, transition.published(), partition,
                                    sequence), Instant.now())));
                }
            }
            producer.flush();
        }
    }

    private static AccountSummary snapshot(int n) {
        BigDecimal amount = new BigDecimal(n * 10 + ".25");
        SummaryFigures figures = new SummaryFigures(amount, "USD", "$", Instant.parse("2026-11-01T00:00:00Z"),
                Instant.parse("2017-01-21T00:00:00Z"), Instant.parse("2026-10-01T12:00:00Z"), new BigDecimal("1000"),
                Instant.parse("2026-11-01T00:00:00Z"));
        return new AccountSummary(figures, List.of(new InvoiceTypeFigures("OneTime", figures),
                new InvoiceTypeFigures("Recurring", figures)));
    }

    /** Starts the packaged service and returns how long it took until it polled every account. */
    private static String measure(String bootstrap, List<String> accounts, String run)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx512m", "-Dquarkus.http.port=" + LocalKafkaBroker.freePort(),
                "-Dkafka.bootstrap.servers=" + bootstrap, "-Dbalance-stream.kafka.topic=bench.balance-changed",
                "-Dbalance-stream.kafka.group-id=bench-" + run, "-Dbalance-stream.poll-interval=5m",
                "-Dbalance-stream.http.max-attempts=1",
                "-Dquarkus.log.console.json.enabled=false"));
        for (String account : accounts) {
            String prefix = "-Dbalance-stream.accounts." + account + ".";
            command.add(prefix + "tenant-id=" + account);
            command.add(prefix + "client-id=client");
            command.add(prefix + "client-secret=benchmark-secret");
            command.add(prefix + "api-url=http://localhost:1/pc");
            command.add(prefix + "token-url=http://localhost:1/token");
        }
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toString()));
        Path log = WORK.resolve(run + ".log");
        Instant started = Instant.now();
        Process service = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log).contains("Polling " + ACCOUNTS + " account(s)"));
            Duration recovered = Duration.between(started, Instant.now());
            // Every account's first poll (they fail fast here: nothing answers on port 1, which is fine).
            Pattern polled = Pattern.compile("Poll of account (account-\\d+) failed");
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> polled.matcher(Files.readString(log)).results().map(m -> m.group(1)).distinct()
                            .count() == ACCOUNTS);
            Duration firstPolls = Duration.between(started, Instant.now());
            Matcher records = Pattern.compile("from (\\d+) state record\\(s\\)").matcher(Files.readString(log));
            return "process start to all " + ACCOUNTS + " accounts recovered and started " + recovered.toMillis()
                    + " ms, to the first poll of every account " + firstPolls.toMillis() + " ms; "
                    + (records.find() ? records.group(1) : "?") + " state records read";
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void rollStateSegments(KafkaClients clients, TestKafka.Settings settings, String bootstrap,
            List<String> accounts) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, settings.stateTopicName());
        try (Admin admin = clients.admin()) {
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(new ConfigEntry(
                    TopicConfig.SEGMENT_MS_CONFIG, "1000"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        // A segment rolls when a record arrives after segment.ms: write each account's last state once more.
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
        fillLastStates(bootstrap, settings, accounts);
    }

    private static void fillLastStates(String bootstrap, TestKafka.Settings settings, List<String> accounts) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(),
                new ByteArraySerializer())) {
            for (String accountId : accounts) {
                int partition = AccountPartitions.partitionOf(accountId, settings.partitions());
                BalanceTransition last = new BalanceTransition(snapshot(EVENTS_PER_ACCOUNT - 1),
                        snapshot(EVENTS_PER_ACCOUNT), java.util.Set.of(BalanceChange.BALANCE), EVENTS_PER_ACCOUNT);
                producer.send(new ProducerRecord<>(settings.stateTopicName(), partition, accountId,
                        AccountStateCodec.encode(new StoredState(accountId, last.published(), partition,
                                EVENTS_PER_ACCOUNT), Instant.now())));
            }
        }
    }

    private static long stateTopicBytes(KafkaClients clients) throws Exception {
        try (Admin admin = clients.admin()) {
            long bytes = 0;
            for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(List.of(1)).allDescriptions()
                    .get(30, TimeUnit.SECONDS).values()) {
                for (LogDirDescription dir : dirs.values()) {
                    for (Map.Entry<org.apache.kafka.common.TopicPartition, ReplicaInfo> replica
                            : dir.replicaInfos().entrySet()) {
                        if (replica.getKey().topic().equals("bench.balance-changed.state")) {
                            bytes += replica.getValue().size();
                        }
                    }
                }
            }
            return bytes;
        }
    }

    private static void report(String line) throws IOException {
        System.out.println("[recovery-benchmark] " + line);
        Files.writeString(WORK.resolve("figures.txt"), line + System.lineSeparator(),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }
}
