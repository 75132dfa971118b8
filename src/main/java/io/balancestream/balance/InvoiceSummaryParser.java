package io.balancestream.balance;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Reads Partner Center's InvoiceSummary JSON into a {@link AccountSummary}, and its InvoiceSummaries collection
 * (one summary per currency) into an {@link Observation}.
 * <p>
 * Lenient where Partner Center varies (unknown fields and invoice types, dates with or without an offset, the .NET
 * {@code DateTime.MinValue} "never" sentinel), strict where a wrong value would become a wrong event: the total
 * balance and its currency must be present, every amount must be a JSON number read exactly (no binary float
 * in between), and anything else fails with an {@link InvalidSummaryException} that says what is wrong.
 * Thread-safe: one instance serves every account.
 */
public final class InvoiceSummaryParser {

    /** Partner Center's summary is a few hundred bytes; anything near this is not a summary. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final int NEVER_YEAR = 1;
    /** Partner Center amounts are .NET decimals: at most 29 integer digits and 28 decimal places. */
    private static final int MAX_INTEGER_DIGITS = 29;
    private static final int MAX_SCALE = 28;

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            // {"balanceAmount": 1, "balanceAmount": 2} is ambiguous: refuse it rather than pick one.
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public InvoiceSummaryParser() {
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNumberLength(100).build());
    }

    /** An InvoiceSummary ({@code GET /v1/invoices/summary}). */
    public AccountSummary parse(String body) {
        return snapshot(readObject(body), "");
    }

    /**
     * An InvoiceSummaries collection ({@code GET /v1/invoices/summaries}): {@code {totalCount, items[]}}, one
     * InvoiceSummary per currency. A collection whose {@code totalCount} differs from its items is refused: a
     * missing page would read as currencies that disappeared.
     */
    public Observation parseSummaries(String body) {
        JsonNode root = readObject(body);
        String arrayField = root.has("items") ? "items" : "collectionOfSummary";
        JsonNode items = root.get(arrayField);
        if (items == null || items.isNull()) {
            throw new InvalidSummaryException("items is missing: not an InvoiceSummaries collection");
        }
        if (!items.isArray()) {
            throw new InvalidSummaryException(arrayField + " is not an array");
        }
        JsonNode totalCount = root.get("totalCount");
        if (totalCount != null && !totalCount.isNull()) {
            if (!totalCount.isIntegralNumber()) {
                throw new InvalidSummaryException("totalCount is not an integer");
            }
            if (totalCount.asLong() != items.size()) {
                throw new InvalidSummaryException("totalCount is " + totalCount.asText() + " but " + arrayField
                        + " holds " + items.size() + " summaries; a partial collection is not read");
            }
        }
        List<AccountSummary> summaries = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String path = arrayField + "[" + i + "].";
            if (!item.isObject()) {
                throw new InvalidSummaryException(arrayField + "[" + i + "] is not an object");
            }
            summaries.add(snapshot(item, path));
        }
        return Observation.perCurrency(summaries);
    }

    private JsonNode readObject(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidSummaryException("empty body, expected a JSON object");
        }
        if (body.length() > MAX_BODY_BYTES || body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new InvalidSummaryException("body of more than " + MAX_BODY_BYTES + " bytes is not an InvoiceSummary");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidSummaryException("body is not JSON (" + describeStart(body) + "): "
                    + e.getOriginalMessage(), e);
        } catch (NumberFormatException e) {
            throw new InvalidSummaryException("body holds a number out of any range (" + describeStart(body) + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new InvalidSummaryException("body is not a JSON object (" + describeStart(body) + ")");
        }
        return root;
    }

    private AccountSummary snapshot(JsonNode summary, String path) {
        SummaryFigures total = figures(summary, path);
        if (total.currencyCode() == null) {
            throw new InvalidSummaryException(path + "currencyCode is missing");
        }
        return new AccountSummary(total, invoiceTypes(summary.get("details"), path));
    }

    private List<InvoiceTypeFigures> invoiceTypes(JsonNode details, String prefix) {
        if (details == null || details.isNull()) {
            return List.of();
        }
        if (!details.isArray()) {
            throw new InvalidSummaryException(prefix + "details is not an array");
        }
        List<InvoiceTypeFigures> types = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < details.size(); i++) {
            JsonNode detail = details.get(i);
            String path = prefix + "details[" + i + "]";
            if (!detail.isObject()) {
                throw new InvalidSummaryException(path + " is not an object");
            }
            String invoiceType = text(detail, "invoiceType", path + ".");
            if (invoiceType == null || invoiceType.isBlank()) {
                throw new InvalidSummaryException(path + ".invoiceType is missing");
            }
            JsonNode summary = detail.get("summary");
            if (summary == null || !summary.isObject()) {
                throw new InvalidSummaryException(path + ".summary is missing or not an object");
            }
            InvoiceTypeFigures type = new InvoiceTypeFigures(invoiceType, figures(summary, path + ".summary."));
            if (!seen.add(type.typeKey())) {
                throw new InvalidSummaryException(path + ": invoice type " + invoiceType + " appears twice");
            }
            types.add(type);
        }
        return types;
    }

    private SummaryFigures figures(JsonNode node, String path) {
        BigDecimal balance = amount(node, "balanceAmount", path);
        if (balance == null) {
            throw new InvalidSummaryException(path + "balanceAmount is missing");
        }
        return new SummaryFigures(
                balance,
                text(node, "currencyCode", path),
                text(node, "currencySymbol", path),
                date(node, "accountingDate", path),
                date(node, "firstInvoiceCreationDate", path),
                date(node, "lastPaymentDate", path),
                amount(node, "lastPaymentAmount", path),
                date(node, "latestInvoiceDate", path));
    }

    private static BigDecimal amount(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidSummaryException(path + field + " is not a number");
        }
        BigDecimal amount = value.decimalValue();
        BigDecimal normalized = amount.stripTrailingZeros();
        if (normalized.precision() - normalized.scale() > MAX_INTEGER_DIGITS || normalized.scale() > MAX_SCALE) {
            throw new InvalidSummaryException(path + field + " " + abbreviate(value.asText())
                    + " is outside the range of a .NET decimal, which Partner Center amounts are");
        }
        return amount;
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidSummaryException(path + field + " is not a string");
        }
        return value.textValue();
    }

    private static Instant date(JsonNode node, String field, String path) {
        String value = text(node, field, path);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return parseDate(value);
        } catch (DateTimeException e) {
            throw new InvalidSummaryException(path + field + " is not a date-time: " + abbreviate(value));
        }
    }

    /**
     * Partner Center sends UTC date-times with and without an offset; year 1 is .NET's DateTime.MinValue,
     * which Partner Center uses for "never".
     */
    static Instant parseDate(String value) {
        boolean hasOffset = value.endsWith("Z") || value.endsWith("z") || value.lastIndexOf('+') > 9
                || value.lastIndexOf('-') > 9;
        Instant instant;
        int year;
        if (hasOffset) {
            OffsetDateTime dateTime = OffsetDateTime.parse(value.toUpperCase(java.util.Locale.ROOT));
            year = dateTime.getYear();
            instant = dateTime.toInstant();
        } else {
            LocalDateTime dateTime = LocalDateTime.parse(value);
            year = dateTime.getYear();
            instant = dateTime.toInstant(ZoneOffset.UTC);
        }
        return year <= NEVER_YEAR ? null : instant;
    }

    private static String describeStart(String body) {
        return "starts with \"" + abbreviate(body.strip()) + "\"";
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 40 ? oneLine : oneLine.substring(0, 40) + "...";
    }
}
