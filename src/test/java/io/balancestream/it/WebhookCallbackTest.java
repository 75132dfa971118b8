package io.balancestream.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The callback endpoint in the application under test (contoso takes callbacks, fabrikam does not): what each kind of
 * caller gets back, and the count by outcome the dashboard shows.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class WebhookCallbackTest {

    private static String callbackUrl(String account) {
        return "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class)
                + "/partner-center/webhooks/" + account;
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void aSignedInvoiceReadyIsAcceptedAndCounted() {
        await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        int status = given().queryParam("url", callbackUrl("contoso")).post("/simulator/contoso/control/invoice-ready")
                .then().statusCode(200).extract().jsonPath().getInt("statuses[0]");
        assertThat(status).isEqualTo(200);
        assertThat(metrics()).containsPattern(
                "balance_stream_webhook_callbacks_total\\{account=\"contoso\",outcome=\"(invoice_ready|coalesced)\"");
    }

    @Test
    void anUnsignedCallbackIsRefusedAndCountedWithoutTriggeringAnything() {
        given().contentType("application/json").body("{\"EventName\":\"invoice-ready\"}")
                .post("/partner-center/webhooks/contoso").then().statusCode(401);
        assertThat(metrics()).contains("balance_stream_webhook_callbacks_total{account=\"contoso\",outcome=\"unsigned\"}");
    }

    @Test
    void anAccountThatTakesNoCallbacksAnswers404AndAddsNoLabelForTheCaller() {
        given().body("{}").post("/partner-center/webhooks/fabrikam").then().statusCode(404);
        given().body("{}").post("/partner-center/webhooks/no-such-account-" + System.nanoTime()).then().statusCode(404);
        assertThat(metrics()).contains("balance_stream_webhook_callbacks_total{account=\"unknown\",outcome=\"not_enabled\"}")
                .doesNotContain("no-such-account-");
    }

    @Test
    void aBodyLargerThanAnyCallbackIsRefused() {
        given().contentType("application/json").body("{\"EventName\":\"" + "x".repeat(20_000) + "\"}")
                .post("/partner-center/webhooks/contoso").then().statusCode(413);
        given().contentType("application/json").body("x".repeat(100_000))
                .post("/partner-center/webhooks/contoso").then().statusCode(413);
    }
}
