package dev.pgcdc.snapshot;

import dev.pgcdc.source.Source;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SnapshotSource} stands in front of every capture's stream, so a question the pipeline asks a source
 * and the snapshot leaves to {@link Source}'s default never reaches the stream: it must answer each one itself.
 */
class SnapshotSourceDelegationTest {

    /** Signals are the one question it answers by default on purpose: it consumes the stream's signals itself. */
    private static final List<String> ANSWERED_BY_DEFAULT = List.of("takeSignals");

    @Test
    void answersEveryQuestionTheSourceInterfaceAnswersByDefault() {
        List<String> notOverridden = Arrays.stream(Source.class.getMethods())
                .filter(Method::isDefault)
                .filter(method -> !ANSWERED_BY_DEFAULT.contains(method.getName()))
                .filter(method -> !overridden(method))
                .map(Method::getName)
                .toList();

        assertThat(notOverridden).as("Source's default methods that SnapshotSource does not pass on to its stream").isEmpty();
    }

    private static boolean overridden(Method method) {
        try {
            Method own = SnapshotSource.class.getDeclaredMethod(method.getName(), method.getParameterTypes());
            return !Modifier.isAbstract(own.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
