package dev.baton.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/** A benchmark's {@code --json} output: one object on one line. */
public final class BenchJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private BenchJson() {}

    public static String line(Map<String, Object> report) throws JsonProcessingException {
        return MAPPER.writeValueAsString(report);
    }
}
