package dev.slipway.orchestrator.rest;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import java.util.concurrent.Semaphore;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

/**
 * Every answer of the HTTP server carries a strict Content-Security-Policy and is never cached or
 * framed; at most 256 API requests are served at once (the rest get 503 with Retry-After).
 */
@Filter("/**")
public class SecurityHeaders implements HttpServerFilter {
  static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
  private static final int MAX_IN_FLIGHT = 256;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  @Override
  public Publisher<MutableHttpResponse<?>> doFilter(
      HttpRequest<?> request, ServerFilterChain chain) {
    boolean api = request.getPath().startsWith("/api/");
    if (api && !inFlight.tryAcquire()) {
      ApiProblem busy =
          new ApiProblem(
              HttpStatus.SERVICE_UNAVAILABLE,
              "busy",
              "the orchestrator serves " + MAX_IN_FLIGHT + " API requests now; retry shortly");
      return Flux.just(secure(Problems.response(request, busy).header("Retry-After", "1")));
    }
    Flux<MutableHttpResponse<?>> response = Flux.from(chain.proceed(request)).map(r -> secure(r));
    return api ? response.doFinally(signal -> inFlight.release()) : response;
  }

  private static MutableHttpResponse<?> secure(MutableHttpResponse<?> response) {
    return response
        .header("Content-Security-Policy", POLICY)
        .header("X-Content-Type-Options", "nosniff")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Frame-Options", "DENY")
        .header("Cache-Control", "no-store");
  }
}
