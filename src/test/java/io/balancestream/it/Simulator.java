package io.balancestream.it;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.restassured.http.ContentType;

/** The test's hand on the Partner Center simulator's control API. */
final class Simulator {

    private Simulator() {
    }

    static void setBalance(String tenant, String amount) {
        given().contentType(ContentType.TEXT).body(amount)
                .put("/simulator/{tenant}/control/balance", tenant).then().statusCode(200);
    }

    /**
     * Has the simulator send signed invoice-ready callbacks (in parallel) to what the tenant registered; returns the
     * service's answers.
     */
    static List<Integer> invoiceReady(String tenant, int count, boolean tamper) {
        return sendInvoiceReady(tenant, count, tamper).statuses();
    }

    /** @param sentAt when the simulator sent the first callback, epoch milliseconds */
    record Callbacks(List<Integer> statuses, long sentAt) {
    }

    static Callbacks sendInvoiceReady(String tenant, int count, boolean tamper) {
        return sendInvoiceReady(tenant, count, tamper, null);
    }

    /** @param url where to send them instead of the registered URL (a given instance), or null */
    static Callbacks sendInvoiceReady(String tenant, int count, boolean tamper, String url) {
        var request = given().queryParam("count", count).queryParam("tamper", tamper);
        if (url != null) {
            request = request.queryParam("url", url);
        }
        var answer = request.post("/simulator/{tenant}/control/invoice-ready", tenant).then().statusCode(200)
                .extract().jsonPath();
        return new Callbacks(answer.getList("statuses", Integer.class), answer.getLong("sentAt"));
    }

    /** App+User: the tenant accepts this refresh token, as after a consent; single-use makes rotation observable. */
    static void acceptRefreshToken(String tenant, String token, boolean singleUse) {
        given().contentType(ContentType.TEXT).body(token).put("/simulator/{tenant}/control/refresh-token", tenant)
                .then().statusCode(200);
        given().contentType(ContentType.TEXT).body(singleUse ? "single-use" : "reusable")
                .put("/simulator/{tenant}/control/refresh-token-policy", tenant).then().statusCode(200);
    }

    static List<String> refreshTokens(String tenant) {
        return given().get("/simulator/{tenant}/control/refresh-tokens", tenant).then().statusCode(200).extract()
                .jsonPath().getList("$", String.class);
    }

    static void revokeRefreshTokens(String tenant) {
        given().delete("/simulator/{tenant}/control/refresh-tokens", tenant).then().statusCode(204);
    }

    static void setTokenLifetime(String tenant, int seconds) {
        given().contentType(ContentType.TEXT).body(Integer.toString(seconds))
                .put("/simulator/{tenant}/control/token-lifetime", tenant).then().statusCode(200);
    }

    static void setSummary(String tenant, String body) {
        given().contentType(ContentType.JSON).body(body)
                .put("/simulator/{tenant}/control/summary", tenant).then().statusCode(200);
    }

    /** The tenant's served summary with {@code extra} more invoice types: an account whose events are large. */
    static void addInvoiceTypes(String tenant, int extra) {
        try {
            ObjectMapper json = new ObjectMapper();
            ObjectNode summary = (ObjectNode) json.readTree(summary(tenant));
            ArrayNode details = (ArrayNode) summary.get("details");
            ObjectNode template = (ObjectNode) details.get(0);
            for (int i = 0; i < extra; i++) {
                ObjectNode type = template.deepCopy();
                type.put("invoiceType", "AzureUsageType" + i);
                details.add(type);
            }
            setSummary(tenant, json.writeValueAsString(summary));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the simulator served no JSON summary for " + tenant, e);
        }
    }

    static String summary(String tenant) {
        return given().get("/simulator/{tenant}/control/summary", tenant).then().statusCode(200).extract().asString();
    }

    static void fault(String tenant, String type, int times) {
        fault(tenant, Map.of("type", type, "times", times));
    }

    static void fault(String tenant, Map<String, Object> fault) {
        given().contentType(ContentType.JSON).body(fault)
                .post("/simulator/{tenant}/control/faults", tenant).then().statusCode(200);
    }

    static long summaryRequests(String tenant) {
        return stats(tenant).get("summaryRequests").longValue();
    }

    static long tokenRequests(String tenant) {
        return stats(tenant).get("tokenRequests").longValue();
    }

    static long pendingFaults(String tenant) {
        return stats(tenant).get("pendingFaults").longValue();
    }

    static List<Map<String, String>> requests(String tenant) {
        return given().get("/simulator/{tenant}/control/requests", tenant).then().statusCode(200)
                .extract().jsonPath().getList("$");
    }

    private static Map<String, Number> stats(String tenant) {
        return given().get("/simulator/{tenant}/control/stats", tenant).then().statusCode(200)
                .extract().jsonPath().getMap("$");
    }
}
