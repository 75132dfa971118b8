package io.balancestream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The README's consumer example compiles (it is a test source), matches the README, and receives the events. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ConsumerExampleTest {

    private static final Path EXAMPLE = Path.of("src", "test", "java", "io", "balancestream", "example",
            "BalanceAlerts.java");

    @Test
    void readmeShowsTheExampleVerbatim() throws IOException {
        Matcher block = Pattern.compile("```java\\n(@ApplicationScoped\\npublic class BalanceAlerts.*?)```",
                Pattern.DOTALL).matcher(Files.readString(Path.of("README.md")));
        assertThat(block.find()).as("README has the consumer example").isTrue();
        assertThat(Files.readString(EXAMPLE)).contains(block.group(1));
    }

    @Test
    void exampleConsumerDecodesTheEvents() {
        Path log = Path.of("target", "test-logs", "balance-stream.log");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log)
                && Files.readString(log).contains("contoso #1 [FIRST_OBSERVATION]: null -> 751094.390000000 USD"));
    }
}
