package dev.baton.rollout;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

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
        SimpleModule time = new SimpleModule("baton-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.toString());
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Instant.parse(p.getValueAsString());
            }
        });
        time.addSerializer(Duration.class, new JsonSerializer<>() {
            @Override
            public void serialize(Duration v, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(v.toString());
            }
        });
        time.addDeserializer(Duration.class, new JsonDeserializer<>() {
            @Override
            public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return Duration.parse(p.getValueAsString());
            }
        });
        return new ObjectMapper().registerModule(time)
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
