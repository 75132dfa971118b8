package io.balancestream.it;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What an instance says about itself on its readiness endpoint. */
final class InstanceHealth {

    /** The readiness body of the instance; empty when it does not answer. */
    static String body(ServiceProcess service) {
        try {
            return given().port(service.managementPort()).get("/q/health/ready").asString();
        } catch (Exception e) {
            // not listening yet (RestAssured throws the connect failure unchecked)
            return "";
        }
    }

    private static final Pattern OWNED = Pattern.compile("\"owned-partitions\"\\s*:\\s*\"\\[([^\\]]*)\\]\"");

    private InstanceHealth() {
    }

    /** The partitions the instance owns; empty when none or when it does not answer. */
    static List<String> ownedPartitions(ServiceProcess service) {
        Matcher partitions = OWNED.matcher(body(service));
        if (!partitions.find() || partitions.group(1).isBlank()) {
            return List.of();
        }
        return List.of(partitions.group(1).split(",\\s*"));
    }
}
