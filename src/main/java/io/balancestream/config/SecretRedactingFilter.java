package io.balancestream.config;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Last line of defence for secrets in logs: masks every configured client secret and refresh token and anything
 * shaped like a credential (form-encoded client_secret or refresh_token, bearer tokens, access_token and
 * refresh_token fields) in each log line, whoever logs it.
 * Libraries do log request bodies at debug level (the OIDC client logs its token request form).
 */
@LoggingFilter(name = "redact-secrets")
public final class SecretRedactingFilter implements Filter {

    static final String MASK = "***";
    private static final Pattern CREDENTIAL_SHAPES = Pattern.compile(
            "(?i)((?:client_secret|refresh_token)=)[^&\\s]+|(Bearer\\s+)[A-Za-z0-9._~+/=-]+"
                    + "|(\"(?:access_token|refresh_token)\"\\s*:\\s*\")[^\"]+");

    private final List<String> secrets;

    public SecretRedactingFilter() {
        this(configuredSecrets(ConfigProvider.getConfig()));
    }

    SecretRedactingFilter(List<String> secrets) {
        this.secrets = secrets.stream().filter(secret -> secret.length() >= 4).toList();
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord extRecord) {
            String message = extRecord.getFormattedMessage();
            String redacted = redact(message);
            if (redacted != null && !redacted.equals(message)) {
                extRecord.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
                extRecord.setParameters(null);
            }
        }
        // An attached exception is printed too (message and causes): it gets the same treatment.
        record.setThrown(redact(record.getThrown(), 0));
        return true;
    }

    /** The throwable itself when nothing in its chain needs masking, else a copy with masked messages. */
    Throwable redact(Throwable thrown, int depth) {
        if (thrown == null || depth > 20) {
            return thrown;
        }
        Throwable cause = thrown.getCause() == thrown ? null : redact(thrown.getCause(), depth + 1);
        String message = thrown.getMessage();
        String masked = redact(message);
        if (java.util.Objects.equals(message, masked) && cause == thrown.getCause()) {
            return thrown;
        }
        Throwable copy = new RedactedThrowable(thrown.getClass().getName(), masked, cause);
        copy.setStackTrace(thrown.getStackTrace());
        return copy;
    }

    /** Prints as the original would (its class name, the masked message), with the original stack trace. */
    static final class RedactedThrowable extends RuntimeException {
        private final String type;

        RedactedThrowable(String type, String message, Throwable cause) {
            super(message, cause, false, true);
            this.type = type;
        }

        @Override
        public String toString() {
            return getMessage() == null ? type : type + ": " + getMessage();
        }
    }

    String redact(String message) {
        if (message == null) {
            return null;
        }
        String redacted = message;
        for (String secret : secrets) {
            redacted = redacted.replace(secret, MASK);
        }
        return CREDENTIAL_SHAPES.matcher(redacted).replaceAll(match -> {
            String prefix = match.group(1) != null ? match.group(1)
                    : match.group(2) != null ? match.group(2) : match.group(3);
            return java.util.regex.Matcher.quoteReplacement(prefix + MASK);
        });
    }

    private static List<String> configuredSecrets(Config config) {
        List<String> secrets = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("balance-stream.accounts.")
                    && (name.endsWith(".client-secret") || name.endsWith(".refresh-token"))
                    || name.equals("balance-stream.credentials-key")) {
                config.getOptionalValue(name, String.class).ifPresent(secrets::add);
            }
        }
        return secrets;
    }
}
