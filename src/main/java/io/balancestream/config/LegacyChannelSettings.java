package io.balancestream.config;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;

/**
 * Settings of version 0.1, when events went through the SmallRye channel {@code balance-changed}:
 * {@code mp.messaging.outgoing.balance-changed.topic} and {@code .value.serializer} still work (as fallbacks of
 * {@code balance-stream.kafka.topic} and {@code .value-serializer}). Every such name is hidden from SmallRye Reactive
 * Messaging, which would otherwise refuse to start on a channel it no longer has; any other one is reported by
 * {@link SettingsValidator} with its new spelling.
 */
public final class LegacyChannelSettings implements ConfigSourceInterceptor {

    static final String PREFIX = "mp.messaging.outgoing.balance-changed.";
    private static final String ENV_PREFIX = "MP_MESSAGING_OUTGOING_BALANCE_CHANGED_";
    /** How an environment variable's name is listed once converted (the dash is lost). */
    private static final String CONVERTED_PREFIX = "mp.messaging.outgoing.balance.changed.";
    private static final Map<String, String> RENAMED = Map.of(
            "balance-stream.kafka.topic", PREFIX + "topic",
            "balance-stream.kafka.value-serializer", PREFIX + "value.serializer");
    /** Legacy names met while listing the configuration, for the startup check. */
    private static final Set<String> SEEN = new ConcurrentSkipListSet<>();

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        if (isLegacy(name)) {
            return null;
        }
        ConfigValue value = context.proceed(name);
        String legacy = RENAMED.get(name);
        if (legacy != null) {
            // The old spelling wins over a default (and over any source of lower ordinal), as it did in 0.1.
            ConfigValue old = context.proceed(legacy);
            if (old != null && (value == null || old.getConfigSourceOrdinal() > value.getConfigSourceOrdinal())) {
                return old.withName(name);
            }
        }
        return value;
    }

    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new TreeSet<>();
        context.iterateNames().forEachRemaining(name -> {
            if (isLegacy(name)) {
                SEEN.add(name);
            } else {
                names.add(name);
            }
        });
        return names.iterator();
    }

    /** Legacy names that no longer mean anything (all but the topic and the serializer). */
    static Set<String> unsupported() {
        Set<String> unsupported = new TreeSet<>();
        for (String name : SEEN) {
            String key = name.startsWith(ENV_PREFIX) ? name
                    : name.substring(name.startsWith(PREFIX) ? PREFIX.length() : CONVERTED_PREFIX.length());
            if (!Set.of("topic", "value.serializer", ENV_PREFIX + "TOPIC", ENV_PREFIX + "VALUE_SERIALIZER")
                    .contains(key)) {
                unsupported.add(name);
            }
        }
        return unsupported;
    }

    private static boolean isLegacy(String name) {
        return name.startsWith(PREFIX) || name.startsWith(ENV_PREFIX) || name.startsWith(CONVERTED_PREFIX);
    }
}
