package dev.baton.rollout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * A {@link RolloutState} as JSON and back, for {@link JdbcRolloutStore}. Times are ISO-8601 text; the
 * strategy section carries its type under {@code @type} so the sealed {@link StrategySpec} reads back.
 */
final class RolloutStateJson {
    private RolloutStateJson() {}

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "@type")
    @JsonSubTypes({
        @JsonSubTypes.Type(value = RollingSpec.class, name = "rolling"),
        @JsonSubTypes.Type(value = BlueGreenSpec.class, name = "blue-green"),
        @JsonSubTypes.Type(value = CanarySpec.class, name = "canary")
    })
    private interface StrategyMixin {}

    static final ObjectMapper MAPPER = mapper();

    private static ObjectMapper mapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .addMixIn(StrategySpec.class, StrategyMixin.class)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    static String write(RolloutState state) {
        try {
            return MAPPER.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write rollout " + state.id() + " as JSON", e);
        }
    }

    static RolloutState read(String json) {
        try {
            return MAPPER.readValue(json, RolloutState.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read a stored rollout: " + e.getOriginalMessage(), e);
        }
    }
}
