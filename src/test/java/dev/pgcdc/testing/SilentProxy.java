package dev.pgcdc.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in the test process that can go silent: once {@link #cut()}, it forwards nothing in either
 * direction but keeps every socket open, as a failed network path behind a NAT or a paused VM does. Neither
 * end sees a reset or a keepalive failure. The connections open at the cut stay silent for good (their state
 * was lost on the way, and the packets are dropped, not refused); a connection made while cut is held until
 * {@link #heal()}, as a client's retried handshake gets through once the path is back, and forwarded from then on.
 */
public final class SilentProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<AtomicBoolean> dead = new CopyOnWriteArrayList<>();
    private final Object path = new Object();
    private boolean cut;

    public SilentProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "silent-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every open connection goes silent for good; new ones wait for {@link #heal()}. */
    public void cut() {
        synchronized (path) {
            cut = true;
            dead.forEach(connection -> connection.set(true));
        }
    }

    /** New connections get through again; those open at the cut stay silent. */
    public void heal() {
        synchronized (path) {
            cut = false;
            path.notifyAll();
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        heal();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                sockets.add(client);
                synchronized (path) {
                    while (cut) {
                        path.wait();
                    }
                }
                if (listener.isClosed()) {
                    return;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(server);
                AtomicBoolean silent = new AtomicBoolean();
                dead.add(silent);
                pump(client, server, silent);
                pump(server, client, silent);
            }
        } catch (IOException e) {
            // the listener closed: the test is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pump(Socket from, Socket to, AtomicBoolean silent) throws IOException {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    if (!silent.get()) {
                        out.write(buffer, 0, read);
                    }
                }
            } catch (IOException e) {
                // a socket closed: the connection is over
            }
            if (!silent.get()) {
                closeQuietly(from);
                closeQuietly(to); // the other end learns it, as over a live network; a silent one drops that too
            }
        }, "silent-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that was left to do
        }
    }
}
