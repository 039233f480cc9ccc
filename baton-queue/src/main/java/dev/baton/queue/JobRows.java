package dev.baton.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Reads {@link Job}s from rows selected with {@link #COLUMNS}. */
final class JobRows {

    /** The columns of a job, in the order {@link #read} expects; {@code j} is the table's alias. */
    static final String COLUMNS = "j.id, j.kind, j.queue, j.payload::text, j.priority, j.state, j.attempt, "
            + "j.max_attempts, j.bucket, j.unique_key, j.run_at, j.created_at, j.lease_owner, j.lease_expires_at, "
            + "j.fence, j.version, j.errors::text";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobRows() {}

    static Job read(ResultSet rs) throws SQLException {
        return new Job(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5),
                JobState.valueOf(rs.getString(6)), rs.getInt(7), rs.getInt(8), rs.getInt(9), rs.getString(10),
                Sql.instant(rs, 11), Sql.instant(rs, 12), rs.getString(13), Sql.instant(rs, 14), rs.getLong(15),
                rs.getString(16), errors(rs.getString(17)));
    }

    static List<Job> readAll(ResultSet rs) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        while (rs.next()) {
            jobs.add(read(rs));
        }
        return jobs;
    }

    /** The messages of the error history {@code [{attempt, at, error, version, outcome}, …]}. */
    static List<String> errors(String json) {
        if (json == null || json.equals("[]")) {
            return List.of();
        }
        try {
            List<String> messages = new ArrayList<>();
            for (JsonNode entry : JSON.readTree(json)) {
                messages.add(entry.path("error").asText());
            }
            return messages;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("errors column is not a JSON array: " + e.getOriginalMessage(), e);
        }
    }
}
