package dev.baton.queue;

import java.util.List;
import java.util.Objects;

/**
 * The ordered schema migrations of one part of Baton: SQL resources named {@code V001__what.sql}, … in the
 * {@code migrations/} folder beside {@code owner}'s package. A new migration is a new resource and a new name
 * at the end of the list; an applied one never changes. {@link Migrator} applies them.
 *
 * @param component the part they belong to ({@code queue}, {@code rollout}); versions count per component
 * @param owner the class whose package holds the {@code migrations/} folder
 * @param names the resource names, in the order they apply
 */
public record Migrations(String component, Class<?> owner, List<String> names) {

    public Migrations {
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(owner, "owner");
        names = List.copyOf(names);
        int expected = 1;
        for (String name : names) {
            if (version(name) != expected++) {
                throw new IllegalArgumentException(component + " migrations: " + name + " is out of order");
            }
        }
    }

    /** The version a resource name carries: {@code V003__queue_pauses.sql} is 3. */
    static int version(String name) {
        int end = name.indexOf("__");
        if (!name.startsWith("V") || end < 2) {
            throw new IllegalArgumentException("migration " + name + ": expected V<number>__<what>.sql");
        }
        return Integer.parseInt(name.substring(1, end));
    }

    /** Where the resource is, for messages. */
    String path(String name) {
        return owner.getPackageName().replace('.', '/') + "/migrations/" + name;
    }
}
