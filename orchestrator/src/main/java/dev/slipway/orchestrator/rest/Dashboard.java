package dev.slipway.orchestrator.rest;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.swagger.v3.oas.annotations.Hidden;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web dashboard: one page and its two assets, read from the jar once. It is a client of /api/v1
 * like any other, so every button is enforced by the API, and the strict CSP holds: no inline
 * script or style, nothing from another origin.
 */
@Controller
@Hidden
public class Dashboard {
  private record Asset(String contentType, byte[] body) {}

  private final byte[] page = read("index.html");
  private final Map<String, Asset> assets =
      Map.of(
          "app.js", new Asset("text/javascript;charset=utf-8", read("app.js")),
          "app.css", new Asset("text/css;charset=utf-8", read("app.css")));

  @Get(produces = MediaType.TEXT_HTML)
  public HttpResponse<byte[]> page() {
    return HttpResponse.ok(page).contentType("text/html;charset=utf-8");
  }

  @Get("/assets/{name}")
  public HttpResponse<byte[]> asset(@PathVariable String name) {
    Asset asset = assets.get(name);
    return asset == null
        ? HttpResponse.notFound()
        : HttpResponse.ok(asset.body()).contentType(asset.contentType());
  }

  private static byte[] read(String name) {
    try (InputStream in = Dashboard.class.getResourceAsStream("/dashboard/" + name)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard's " + name + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
