package io.balancestream.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.balancestream.simulator.PartnerCenterSimulatorResource;
import io.balancestream.simulator.LocalKafkaBroker;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * No Docker engine or cluster runs where this is built, so deploy/ and docker-compose.yml are checked the next best
 * way: they parse, their probes and scrape paths answer on the real service, their images and files exist, and
 * their environment variables configure the packaged service as intended (it is started with them).
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = false)
class DeploymentDescriptorsIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path KUBERNETES = Path.of("deploy", "kubernetes");
    /** The configuration keys an environment variable may set, as documented in the README. */
    private static final List<Pattern> KNOWN_KEYS = List.of(
            Pattern.compile("balance\\.stream\\.accounts\\.[a-z0-9]+\\.(tenant\\.id|client\\.id|client\\.secret|cloud|"
                    + "api\\.url|token\\.url|scope|webhook\\.enabled|webhook\\.public\\.url|webhook\\.send\\.validation\\.event|"
                    + "auth|refresh\\.token)"),
            Pattern.compile("balance\\.stream\\.(poll\\.interval|application\\.name|polling\\.enabled|allow\\.plain\\.http|"
                    + "health\\.failure\\.grace\\.period|http\\.(connect\\.timeout|read\\.timeout|max\\.attempts|"
                    + "initial\\.backoff|max\\.backoff))"),
            Pattern.compile("balance\\.stream\\.kafka\\.(topic|state\\.topic|group\\.id|partitions|replication\\.factor|"
                    + "min\\.insync\\.replicas|value\\.serializer|transaction\\.timeout|session\\.timeout)"),
            Pattern.compile("kafka\\.bootstrap\\.servers"),
            Pattern.compile("quarkus\\.profile"));

    @Test
    void kubernetesManifestsAreValidAndConsistent() throws IOException {
        Map<String, JsonNode> byKind = new HashMap<>();
        for (String file : List.of("configmap.yaml", "secret.example.yaml", "deployment.yaml", "poddisruptionbudget.yaml",
                "networkpolicy.yaml", "service.yaml", "servicemonitor.yaml")) {
            JsonNode manifest = YAML.readTree(KUBERNETES.resolve(file).toFile());
            assertThat(manifest.path("apiVersion").asText()).as(file).isNotEmpty();
            assertThat(manifest.path("metadata").path("name").asText()).as(file).isNotEmpty();
            byKind.put(manifest.path("kind").asText(), manifest);
        }
        assertThat(byKind).containsKeys("ConfigMap", "Secret", "Deployment", "PodDisruptionBudget", "NetworkPolicy",
                "Service", "ServiceMonitor");
        JsonNode kustomization = YAML.readTree(KUBERNETES.resolve("kustomization.yaml").toFile());
        kustomization.path("resources").forEach(resource -> assertThat(KUBERNETES.resolve(resource.asText())).exists());
        assertThat(kustomization.path("resources").toString()).as("apply -k never overwrites the real Secret")
                .doesNotContain("secret");

        JsonNode deployment = byKind.get("Deployment");
        assertThat(deployment.at("/spec/replicas").asInt()).as("instances share the accounts").isEqualTo(2);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(deployment.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isZero();
        assertThat(byKind.get("PodDisruptionBudget").at("/spec/selector/matchLabels"))
                .isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(byKind.get("PodDisruptionBudget").at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        JsonNode pod = deployment.at("/spec/template/spec");
        JsonNode container = pod.path("containers").get(0);
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(container.at("/resources/requests/memory").asText()).isNotEmpty();
        assertThat(container.at("/resources/limits/memory").asText()).isNotEmpty();
        assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);

        JsonNode managementPort = null;
        for (JsonNode port : container.path("ports")) {
            if ("management".equals(port.path("name").asText())) {
                managementPort = port;
            }
        }
        assertThat(managementPort).as("a management port").isNotNull();
        assertThat(managementPort.path("containerPort").asInt()).as("Quarkus' management interface").isEqualTo(9000);
        assertThat(deployment.at("/spec/template/metadata/annotations").path("prometheus.io/port").asText())
                .isEqualTo("9000");
        assertThat(byKind.get("ServiceMonitor").at("/spec/endpoints/0/port").asText()).isEqualTo("management");
        JsonNode policy = byKind.get("NetworkPolicy");
        assertThat(policy.at("/spec/podSelector/matchLabels")).isEqualTo(deployment.at("/spec/selector/matchLabels"));
        assertThat(policy.at("/spec/ingress")).as("two rules: the scraper, the ingress controller").hasSize(2);
        assertThat(policy.at("/spec/ingress/0/ports")).hasSize(1);
        assertThat(policy.at("/spec/ingress/0/ports/0/port").asInt()).as("the scraper: management port").isEqualTo(9000);
        assertThat(policy.at("/spec/ingress/1/ports")).hasSize(1);
        assertThat(policy.at("/spec/ingress/1/ports/0/port").asInt()).as("callbacks: application port").isEqualTo(8080);
        assertThat(container.path("env").toString()).contains("-XX:+ExitOnOutOfMemoryError");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertThat(container.path(probe).at("/httpGet/port").asText()).as(probe).isEqualTo("management");
            String path = container.path(probe).at("/httpGet/path").asText();
            assertThat(given().get(path).statusCode()).as("%s %s answers on the real service", probe, path)
                    .isIn(200, 503);
        }
        String scrapePath = deployment.at("/spec/template/metadata/annotations").path("prometheus.io/path").asText();
        assertThat(given().get(scrapePath).statusCode()).isEqualTo(200);
        assertThat(byKind.get("ServiceMonitor").at("/spec/endpoints/0/path").asText()).isEqualTo(scrapePath);
        assertThat(byKind.get("Service").at("/spec/selector")).isEqualTo(deployment.at("/spec/selector/matchLabels"));

        List<String> envSources = new ArrayList<>();
        container.path("envFrom").forEach(source -> envSources.add(source.path("configMapRef").path("name").asText(
                source.path("secretRef").path("name").asText())));
        assertThat(envSources).containsExactlyInAnyOrder(byKind.get("ConfigMap").at("/metadata/name").asText(),
                byKind.get("Secret").at("/metadata/name").asText());

        Map<String, String> environment = new LinkedHashMap<>();
        byKind.get("ConfigMap").path("data").fields().forEachRemaining(e -> environment.put(e.getKey(),
                e.getValue().asText()));
        byKind.get("Secret").path("stringData").fields().forEachRemaining(e -> environment.put(e.getKey(),
                e.getValue().asText()));
        environment.keySet().forEach(DeploymentDescriptorsIT::assertKnownKey);

        // The packaged service, configured by exactly these variables (only Kafka pointed at the test broker).
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka());
        int httpPort = LocalKafkaBroker.freePort();
        try (ServiceProcess service = new ServiceProcess(Map.of("quarkus.http.port", Integer.toString(httpPort)),
                environment, Path.of("target", "deploy-it", "kubernetes-env.log")).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Watching"));
            assertThat(service.log()).contains("Watching 1 partner account(s) [contoso] every PT5M, publishing to "
                    + "partner-center.balance-changed").doesNotContain("SRCFG").doesNotContain("replace-me");
            // Health and metrics answer on the management interface only, where the NetworkPolicy points.
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> given()
                    .port(service.managementPort()).get("/q/health/live").statusCode() == 200);
            assertThat(given().port(service.managementPort()).get(scrapePath).statusCode()).isEqualTo(200);
            assertThat(given().port(httpPort).get(scrapePath).statusCode()).as("not on the application port")
                    .isEqualTo(404);
            assertThat(given().port(httpPort).get("/q/health/ready").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void dockerComposeWiresRealImagesPortsAndSettings() throws IOException {
        JsonNode services = YAML.readTree(Path.of("docker-compose.yml").toFile()).path("services");
        assertThat(services.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("kafka", "schema-registry", "simulator", "balance-stream",
                        "balance-stream-2");
        assertThat(services.at("/balance-stream-2/image").asText()).isEqualTo(services.at("/balance-stream/image")
                .asText());
        assertThat(services.at("/balance-stream-2/environment")).as("the same configuration, so they share")
                .isEqualTo(services.at("/balance-stream/environment"));

        assertThat(services.at("/kafka/image").asText()).isEqualTo("apache/kafka:" + kafkaVersionOfTheBuild());
        assertThat(services.at("/schema-registry/image").asText()).startsWith("quay.io/apicurio/apicurio-registry:3.");
        for (String built : List.of("simulator", "balance-stream")) {
            assertThat(Path.of(services.path(built).at("/build/dockerfile").asText())).exists();
        }
        String simulatorProfile = services.at("/simulator/build/args/QUARKUS_BUILD_PROFILE").asText();
        assertThat(PartnerCenterSimulatorResource.class.getAnnotation(IfBuildProfile.class).anyOf())
                .as("the simulator build profile really contains the simulator").contains(simulatorProfile);
        assertThat(services.at("/balance-stream/ports/0").asText()).isEqualTo("8080:8080");
        assertThat(services.at("/simulator/ports/0").asText()).endsWith(":8080");
        assertThat(services.at("/kafka/environment/KAFKA_ADVERTISED_LISTENERS").asText()).contains("kafka:19092");

        Map<String, String> environment = new LinkedHashMap<>();
        services.at("/balance-stream/environment").fields().forEachRemaining(e -> environment.put(e.getKey(),
                e.getValue().asText()));
        environment.keySet().forEach(DeploymentDescriptorsIT::assertKnownKey);
        assertThat(environment.get("KAFKA_BOOTSTRAP_SERVERS")).isEqualTo("kafka:19092");

        // The service container's settings, host names swapped for this machine's: it polls the simulator
        // and publishes.
        int simulatorPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        environment.replaceAll((key, value) -> value.replace("kafka:19092", kafka())
                .replace("http://simulator:8080", "http://localhost:" + simulatorPort));
        environment.put("BALANCE_STREAM_POLL_INTERVAL", "1s");
        List<Integer> ports = LocalKafkaBroker.freePorts(2);
        int firstPort = ports.get(0);
        int secondPort = ports.get(1);
        try (ServiceProcess first = new ServiceProcess(Map.of("quarkus.http.port", Integer.toString(firstPort)),
                environment, Path.of("target", "deploy-it", "compose-env-1.log")).start();
                ServiceProcess second = new ServiceProcess(Map.of("quarkus.http.port", Integer.toString(secondPort)),
                        environment, Path.of("target", "deploy-it", "compose-env-2.log")).start()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                String logs = first.log() + second.log();
                return logs.contains("Published event 1 of account contoso")
                        && logs.contains("Published event 1 of account fabrikam")
                        && InstanceHealth.ownedPartitions(first).size() == 3
                        && InstanceHealth.ownedPartitions(second).size() == 3;
            });
            String logs = first.log() + second.log();
            assertThat(logs).doesNotContain("compose-only-secret");
            assertThat(Pattern.compile("Published event 1 of account contoso").matcher(logs).results().count())
                    .as("one instance publishes each account").isEqualTo(1);
            assertThat(InstanceHealth.ownedPartitions(first)).as("the instances share the partitions")
                    .doesNotContainAnyElementsOf(InstanceHealth.ownedPartitions(second));
        }
    }

    @Test
    void grafanaDashboardQueriesOnlyMetricsTheServiceExports() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("deploy", "grafana",
                "balance-stream-dashboard.json").toFile());
        Simulator.fault("contoso", "server-error", 3);
        given().body("{}").post("/partner-center/webhooks/contoso").then().statusCode(401);
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/q/metrics").asString()
                .contains("balance_stream_poll_failures_total") && given().get("/q/metrics").asString()
                .contains("balance_stream_balance"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher names = Pattern.compile("balance_stream_[a-z_]+").matcher(dashboard.toString());
        int queried = 0;
        while (names.find()) {
            queried++;
            assertThat(metrics).as("metric %s", names.group()).contains(names.group());
        }
        assertThat(queried).isGreaterThan(5);
    }

    private static void assertKnownKey(String environmentVariable) {
        String key = environmentVariable.toLowerCase().replace('_', '.');
        assertThat(KNOWN_KEYS).as("%s sets a configuration key the service reads", environmentVariable)
                .anyMatch(pattern -> pattern.matcher(key).matches());
    }

    private static String kafka() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static String kafkaVersionOfTheBuild() throws IOException {
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(
                Path.of("pom.xml")));
        assertThat(version.find()).isTrue();
        return version.group(1);
    }
}
