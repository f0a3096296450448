package dev.pgcdc.event;

import java.util.Objects;

/** One metadata header carried beside a change (channel, backend pid, receive time...). */
public record Header(String name, String value) {

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
