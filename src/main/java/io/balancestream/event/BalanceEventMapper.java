package io.balancestream.event;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import io.balancestream.balance.AccountSummary;
import io.balancestream.balance.BalanceTransition;
import io.balancestream.balance.InvoiceTypeFigures;
import io.balancestream.balance.PublishedState;
import io.balancestream.balance.SummaryFigures;
import io.balancestream.config.PartnerAccount;
import io.balancestream.events.BalanceChanged;
import io.balancestream.events.BalanceSnapshot;
import io.balancestream.events.ChangeKind;
import io.balancestream.events.InvoiceTypeBalance;
import io.balancestream.events.PartnerCloud;
import io.balancestream.events.PollTrigger;

/** Between the balance domain and the Avro contract in {@code avro/}: both directions, nothing else. */
public final class BalanceEventMapper {

    /** Scale and precision of every amount on the wire (the schema's decimal type). */
    public static final int AMOUNT_SCALE = 9;
    public static final int AMOUNT_PRECISION = 38;

    private BalanceEventMapper() {
    }

    public static BalanceChanged toEvent(PartnerAccount account, BalanceTransition transition, String requestId,
            String correlationId, Instant detectedAt, PollTrigger trigger) {
        return BalanceChanged.newBuilder()
                .setEventId(eventId(account.accountId(), transition.sequence()))
                .setAccountId(account.accountId())
                .setTenantId(account.tenantId())
                .setCloud(PartnerCloud.valueOf(account.cloud().name()))
                .setSequence(transition.sequence())
                .setDetectedAt(detectedAt)
                .setChanges(transition.changes().stream().sorted(Comparator.naturalOrder())
                        .map(kind -> ChangeKind.valueOf(kind.name())).toList())
                .setPrevious(transition.previous() == null ? null : toAvro(transition.previous()))
                .setCurrent(toAvro(transition.current()))
                .setRequestId(requestId)
                .setCorrelationId(correlationId)
                .setTrigger(trigger)
                .setCurrency(transition.currency())
                .build();
    }

    /**
     * The same transition of the same account always gets the same id, so a consumer that sees an event twice
     * (after a producer retry with an unknown outcome) can drop the copy.
     */
    public static String eventId(String accountId, long sequence) {
        return UUID.nameUUIDFromBytes((accountId + '/' + sequence).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The state an event of a single-summary account left it in: what the next poll of the account is compared
     * with. (A multi-currency account's state spans events of several currencies: the state topic holds it.)
     */
    public static PublishedState toPublishedState(BalanceChanged event) {
        if (event.getCurrency() != null) {
            throw new IllegalArgumentException("event " + event.getSequence() + " of " + event.getAccountId()
                    + " holds one currency of a multi-currency account, not the account's state");
        }
        return new PublishedState(fromAvro(event.getCurrent()), event.getSequence());
    }

    public static BalanceSnapshot toAvro(AccountSummary snapshot) {
        SummaryFigures total = snapshot.total();
        return BalanceSnapshot.newBuilder()
                .setBalanceAmount(wireAmount(total.balanceAmount(), "balanceAmount"))
                .setCurrencyCode(total.currencyCode())
                .setCurrencySymbol(total.currencySymbol())
                .setAccountingDate(millis(total.accountingDate()))
                .setFirstInvoiceCreationDate(millis(total.firstInvoiceCreationDate()))
                .setLastPaymentDate(millis(total.lastPaymentDate()))
                .setLastPaymentAmount(wireAmount(total.lastPaymentAmount(), "lastPaymentAmount"))
                .setLatestInvoiceDate(millis(total.latestInvoiceDate()))
                .setInvoiceTypes(snapshot.invoiceTypes().stream().map(BalanceEventMapper::toAvro).toList())
                .build();
    }

    private static InvoiceTypeBalance toAvro(InvoiceTypeFigures type) {
        SummaryFigures figures = type.figures();
        String field = "details[" + type.invoiceType() + "].";
        return InvoiceTypeBalance.newBuilder()
                .setInvoiceType(type.invoiceType())
                .setBalanceAmount(wireAmount(figures.balanceAmount(), field + "balanceAmount"))
                .setCurrencyCode(figures.currencyCode())
                .setCurrencySymbol(figures.currencySymbol())
                .setAccountingDate(millis(figures.accountingDate()))
                .setFirstInvoiceCreationDate(millis(figures.firstInvoiceCreationDate()))
                .setLastPaymentDate(millis(figures.lastPaymentDate()))
                .setLastPaymentAmount(wireAmount(figures.lastPaymentAmount(), field + "lastPaymentAmount"))
                .setLatestInvoiceDate(millis(figures.latestInvoiceDate()))
                .build();
    }

    public static AccountSummary fromAvro(BalanceSnapshot snapshot) {
        SummaryFigures total = new SummaryFigures(snapshot.getBalanceAmount(), snapshot.getCurrencyCode(),
                snapshot.getCurrencySymbol(), snapshot.getAccountingDate(), snapshot.getFirstInvoiceCreationDate(),
                snapshot.getLastPaymentDate(), snapshot.getLastPaymentAmount(), snapshot.getLatestInvoiceDate());
        List<InvoiceTypeFigures> types = snapshot.getInvoiceTypes().stream()
                .map(type -> new InvoiceTypeFigures(type.getInvoiceType(), new SummaryFigures(type.getBalanceAmount(),
                        type.getCurrencyCode(), type.getCurrencySymbol(), type.getAccountingDate(),
                        type.getFirstInvoiceCreationDate(), type.getLastPaymentDate(), type.getLastPaymentAmount(),
                        type.getLatestInvoiceDate())))
                .toList();
        return new AccountSummary(total, types);
    }

    /**
     * The schema's fixed scale: an amount with more fraction digits, or too many digits in all, is refused,
     * never rounded.
     */
    static BigDecimal wireAmount(BigDecimal amount, String field) {
        if (amount == null) {
            return null;
        }
        BigDecimal scaled;
        try {
            scaled = amount.setScale(AMOUNT_SCALE, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new UnrepresentableAmountException(field + " " + amount.toPlainString() + " has more than "
                    + AMOUNT_SCALE + " decimal places; the event schema would have to round it");
        }
        if (scaled.precision() > AMOUNT_PRECISION) {
            throw new UnrepresentableAmountException(field + " " + amount.toPlainString() + " has more than "
                    + (AMOUNT_PRECISION - AMOUNT_SCALE) + " integer digits; the event schema cannot hold it");
        }
        return scaled;
    }

    /** The wire's timestamp-millis; Partner Center sends whole seconds, so nothing is cut. */
    private static Instant millis(Instant instant) {
        return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
    }
}
