package dev.pgcdc;

/** pgcdc's version, from the jar manifest (written by the build); "dev" when run from classes. */
public final class Version {

    public static final String VALUE = current();

    private Version() {
    }

    private static String current() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
