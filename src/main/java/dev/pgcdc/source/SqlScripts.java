package dev.pgcdc.source;

import dev.pgcdc.error.CdcException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** SQL scripts shipped in the pgcdc jar beside the class that runs them. */
public final class SqlScripts {

    private SqlScripts() {
    }

    public static String load(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new CdcException(CdcException.Kind.INTERNAL, "the pgcdc jar lacks " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CdcException(CdcException.Kind.INTERNAL, "cannot read " + name + " from the pgcdc jar", e);
        }
    }
}
