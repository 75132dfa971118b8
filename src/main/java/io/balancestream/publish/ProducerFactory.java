package io.balancestream.publish;

import org.apache.kafka.clients.producer.Producer;

/** Makes the transactional producer for a transactional id ({@code KafkaClients::transactionalProducer}). */
@FunctionalInterface
public interface ProducerFactory {

    Producer<String, byte[]> create(String transactionalId);
}
