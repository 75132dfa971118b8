package io.balancestream.event;

import io.balancestream.events.BalanceChanged;
import io.balancestream.events.BalanceSnapshot;
import io.balancestream.events.ChangeKind;
import io.balancestream.events.InvoiceTypeBalance;
import io.balancestream.events.PartnerCloud;
import io.balancestream.events.PollTrigger;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image must keep reachable by reflection: the Avro classes generated from {@code avro/} (Avro's
 * SpecificData instantiates them reflectively) and the Kafka (de)serializers, which Kafka loads by class name.
 */
@RegisterForReflection(targets = { BalanceChanged.class, BalanceSnapshot.class, InvoiceTypeBalance.class,
        ChangeKind.class, PartnerCloud.class, PollTrigger.class, BalanceChangedSerializer.class, BalanceChangedDeserializer.class })
final class NativeImageRegistrations {

    private NativeImageRegistrations() {
    }
}
