package io.balancestream.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Partner Center stand-in that misbehaves at the HTTP level, where the simulator cannot: it answers on a loopback
 * socket of its own, one thread per connection.
 */
final class HostileUpstream implements AutoCloseable {

    enum Behaviour {
        /** Status and headers, then one byte of body every 500 ms, for as long as the client listens. */
        TRICKLE,
        /** 429 with a Retry-After of some 300 million years. */
        ABSURD_RETRY_AFTER,
        /** A 200 whose chunked body never ends, sent as fast as the client takes it. */
        ENDLESS_BODY
    }

    private final ServerSocket server;
    private final Behaviour behaviour;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger abandoned = new AtomicInteger();
    private final AtomicLong largestBodySent = new AtomicLong();
    private final ExecutorService connections = Executors.newCachedThreadPool();

    HostileUpstream(Behaviour behaviour) {
        this.behaviour = behaviour;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        connections.submit(this::accept);
    }

    String url() {
        return "http://localhost:" + server.getLocalPort();
    }

    int requests() {
        return requests.get();
    }

    /** Connections the client closed while this upstream was still sending its body. */
    int abandoned() {
        return abandoned.get();
    }

    /** The most body bytes one connection got out before the client stopped it. */
    long largestBodySent() {
        return largestBodySent.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.submit(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            readHeaders(in);
            requests.incrementAndGet();
            switch (behaviour) {
                case TRICKLE -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    try {
                        for (int i = 0; i < 100_000; i++) {
                            out.write(i == 0 ? '{' : ' ');
                            out.flush();
                            Thread.sleep(500);
                        }
                    } catch (IOException closedByClient) {
                        abandoned.incrementAndGet();
                    }
                }
                case ENDLESS_BODY -> {
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked"
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    byte[] filler = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                    byte[] chunk = (Integer.toHexString(filler.length) + "\r\n" + new String(filler,
                            StandardCharsets.US_ASCII) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    out.write(("1\r\n{\r\n").getBytes(StandardCharsets.US_ASCII));
                    long sent = 1;
                    try {
                        while (true) {
                            out.write(chunk);
                            sent += filler.length;
                            largestBodySent.accumulateAndGet(sent, Math::max);
                        }
                    } catch (IOException closedByClient) {
                        abandoned.incrementAndGet();
                    }
                }
                case ABSURD_RETRY_AFTER -> {
                    String body = "{\"statusCode\":429,\"message\":\"Rate limit is exceeded.\"}";
                    out.write(("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 9999999999999999\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        } catch (IOException e) {
            // the client gave up: that is what the test wants to see
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readHeaders(InputStream in) throws IOException {
        int matched = 0;
        byte[] end = { '\r', '\n', '\r', '\n' };
        int next;
        while (matched < end.length && (next = in.read()) >= 0) {
            matched = next == end[matched] ? matched + 1 : (next == '\r' ? 1 : 0);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.shutdownNow();
    }
}
