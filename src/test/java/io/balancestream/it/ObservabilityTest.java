package io.balancestream.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Health and metrics as an operator's probes and Prometheus see them. */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class ObservabilityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void livenessIsUp() {
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void readinessNamesTheFailingAccountAndRecovers() {
        await().atMost(TIMEOUT).until(() -> given().get("/q/health/ready").statusCode() == 200);
        Simulator.fault("fabrikam", "server-error", 10_000);

        // The test profile's grace period is 2 s.
        await().atMost(TIMEOUT).until(() -> given().get("/q/health/ready").statusCode() == 503);
        String body = given().get("/q/health/ready").then().extract().asString();
        assertThat(body).contains("fabrikam").contains("server_error").doesNotContain("test-secret");

        given().delete("/simulator/{tenant}/control", "fabrikam").then().statusCode(204);
        await().atMost(TIMEOUT).until(() -> given().get("/q/health/ready").statusCode() == 200);
    }

    @Test
    void metricsCountPollsFailuresEventsAndTokens() {
        Simulator.fault("contoso", "server-error", 3);
        await().atMost(TIMEOUT).until(() -> Simulator.pendingFaults("contoso") == 0);
        Simulator.setBalance("contoso", "31415.92");

        await().atMost(TIMEOUT).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("balance_stream_polls_total{account=\"contoso\",outcome=\"unchanged\"}"))
                .body(containsString("balance_stream_poll_failures_total{account=\"contoso\",cause=\"server_error\"}"))
                .body(containsString("balance_stream_events_published_total{account=\"contoso\",change=\"BALANCE\"}"))
                .body(containsString("balance_stream_balance{account=\"contoso\",currency=\"USD\"} 31415.92"))
                .body(containsString("balance_stream_token_renewals_total{account=\"fabrikam\"}"))
                .body(containsString("balance_stream_poll_duration_seconds_bucket{account=\"contoso\""))
                .body(containsString("balance_stream_unpublished_changes{account=\"contoso\"} 0.0"))
                .body(containsString("balance_stream_last_success_age_seconds{account=\"contoso\"}")));
    }
}
