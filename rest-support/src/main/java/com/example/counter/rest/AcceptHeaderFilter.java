package com.example.counter.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * The Accept header, made to mean what RFC 9110 (section 12.5.1) says it means before JAX-RS picks a
 * representation:
 * <ul>
 * <li>a malformed header (a bad media range or q-value) is the client's mistake: 400, rather than the
 * parse error JAX-RS would raise later as a 500;</li>
 * <li>{@code q=0} means "not acceptable", and the most specific range decides a type's quality
 * ({@code text/plain;q=0, *}{@code /*} rules out text only). JAX-RS implementations pick by the
 * ranges alone and ignore both, so {@code text/plain;q=0} got plain text. The header is therefore
 * replaced by the qualities of the concrete types this API produces; when none is acceptable, by a
 * type nothing produces, which JAX-RS answers 406.</li>
 * </ul>
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
public class AcceptHeaderFilter implements ContainerRequestFilter {

    /** Every type a resource of this API produces. A new representation must be added here. */
    static final List<MediaType> PRODUCED = List.of(MediaType.TEXT_PLAIN_TYPE, MediaType.APPLICATION_JSON_TYPE,
            MediaType.TEXT_HTML_TYPE, MediaType.SERVER_SENT_EVENTS_TYPE, MediaType.valueOf("text/javascript"),
            MediaType.valueOf("text/css"));

    /** The produced types as a client names them bare, each of which already means exactly what it says. */
    private static final Set<String> BARE = PRODUCED.stream().map(MediaType::toString).collect(Collectors.toUnmodifiableSet());

    /** What the header becomes when it rules out every produced type: no resource produces it, so 406. */
    static final String NOTHING_ACCEPTABLE = "application/x.nothing-acceptable";

    /** Commas between media ranges, not those inside a quoted parameter value. */
    private static final Pattern MEDIA_RANGES = Pattern.compile(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)");

    private record Range(MediaType type, double quality) {
        /** How specific the range is: type/subtype with parameters > type/subtype > type/* > * / *. */
        int specificity() {
            if (type.isWildcardType()) {
                return 0;
            }
            if (type.isWildcardSubtype()) {
                return 1;
            }
            return type.getParameters().keySet().stream().anyMatch(name -> !"q".equals(name)) ? 3 : 2;
        }

        boolean matches(MediaType concrete) {
            return type.isCompatible(concrete);
        }
    }

    @Override
    public void filter(ContainerRequestContext request) {
        List<String> headers = request.getHeaders().get(HttpHeaders.ACCEPT);
        // No header, or one bare produced type (as curl -H, scripts and most API clients send it):
        // nothing to correct, and parsing it was most of this filter's cost on every request.
        if (headers == null || headers.isEmpty() || headers.size() == 1 && BARE.contains(headers.get(0))) {
            return;
        }
        List<Range> ranges = new ArrayList<>();
        for (String accept : headers) {
            for (String range : MEDIA_RANGES.split(accept)) {
                if (!range.isBlank()) {
                    ranges.add(parse(range.trim()));
                }
            }
        }
        if (ranges.isEmpty()) {
            return;
        }
        List<String> acceptable = new ArrayList<>();
        for (MediaType produced : PRODUCED) {
            double quality = quality(produced, ranges);
            if (quality > 0) {
                acceptable.add(produced + ";q=" + quality);
            }
        }
        request.getHeaders().putSingle(HttpHeaders.ACCEPT,
                acceptable.isEmpty() ? NOTHING_ACCEPTABLE : String.join(", ", acceptable));
    }

    /** The quality of the most specific range that matches, or 0 when none does. */
    private static double quality(MediaType produced, List<Range> ranges) {
        Range best = null;
        for (Range range : ranges) {
            if (range.matches(produced) && (best == null || range.specificity() > best.specificity())) {
                best = range;
            }
        }
        return best == null ? 0 : best.quality();
    }

    private static Range parse(String range) {
        try {
            MediaType type = MediaType.valueOf(range);
            String q = type.getParameters().get("q");
            double quality = q == null ? 1 : Double.parseDouble(q);
            if (quality < 0 || quality > 1) {
                throw malformed();
            }
            return new Range(type, quality);
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
    }

    private static jakarta.ws.rs.WebApplicationException malformed() {
        return new Problem(400, "Bad Request", "The Accept header is malformed.").toException();
    }
}
