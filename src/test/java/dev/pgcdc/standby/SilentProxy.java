package dev.pgcdc.standby;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in the test process that can go silent: once {@link #cut()}, it forwards nothing in either
 * direction but keeps every socket open, as a failed network path behind a NAT or a paused VM does. Neither
 * end sees a reset or a keepalive failure.
 */
final class SilentProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    SilentProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "silent-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void cut() {
        cut = true;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                pump(client, server);
                pump(server, client);
            }
        } catch (IOException e) {
            // the listener closed: the test is over
        }
    }

    private void pump(Socket from, Socket to) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (!cut) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                // a socket closed: the connection is over
            }
        }, "silent-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }
}
