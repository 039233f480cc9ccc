package dev.baton.bench.queue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** Where the benchmark ran, for the record next to its numbers. */
public final class Machine {

    private Machine() {}

    public static Map<String, Object> describe(DataSource ds) throws Exception {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            m.put("postgresql", one(s, "SHOW server_version"));
            m.put("fsync", one(s, "SHOW fsync"));
            m.put("synchronous_commit", one(s, "SHOW synchronous_commit"));
        }
        return m;
    }

    private static String one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
