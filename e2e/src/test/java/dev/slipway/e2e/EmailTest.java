package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import jakarta.mail.BodyPart;
import jakarta.mail.Message.RecipientType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Email channels: a real SMTP server receives the rollback, the failing check named. */
class EmailTest {

  @Test
  void aRollbackArrivesByMailWithTheFailingCheckAndTheNextCommand() throws Exception {
    E2eEnvironment env = E2eEnvironment.get();
    String app = "mailed-" + UUID.randomUUID().toString().substring(0, 6);
    Path dir = Files.createTempDirectory("mailed");
    Path deployed = dir.resolve("version");
    HttpServer health = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    health.createContext(
        "/health",
        exchange -> {
          boolean bad = Files.exists(deployed) && Files.readString(deployed).equals("2.0.0");
          exchange.sendResponseHeaders(bad ? 503 : 200, -1);
          exchange.close();
        });
    health.start();
    try {
      env.apply(
          dir,
          app,
          """
          app: %1$s
          environment: e2e
          deploy: { command: [/bin/sh, -c, 'printf %%s "$1" > %2$s', sh, "${version}"] }
          health:
            interval: 200ms
            failureThreshold: 1
            checks: [{ type: http, name: api-health, url: "http://127.0.0.1:%3$d/health" }]
          notify: [{ channel: mail, on: [rolled_back] }]
          """
              .formatted(app, deployed, health.getAddress().getPort()));
      assertThat(env.deployAndWait(app, "1.0.0").exit()).isZero();
      Cli.Run bad = env.deployAndWait(app, "2.0.0");
      assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
      String id = E2eEnvironment.deployment(bad.out()).getId();

      // One copy in each recipient's mailbox.
      MimeMessage mail =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> of(env, app), found -> found.size() == 2)
              .getFirst();
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      mail.writeTo(raw);
      System.out.println("Email as it arrived:\n" + raw);

      assertThat(mail.getSubject()).isEqualTo(app + "/e2e: 2.0.0 was rolled back");
      assertThat(mail.getFrom()[0].toString()).isEqualTo("slipway@example.com");
      assertThat(Arrays.stream(mail.getRecipients(RecipientType.TO)).map(Object::toString))
          .containsExactly("ops@example.com", "oncall@example.com");
      MimeMultipart parts = (MimeMultipart) mail.getContent();
      assertThat(parts.getContentType()).startsWith("multipart/alternative");
      BodyPart text = parts.getBodyPart(0);
      BodyPart html = parts.getBodyPart(1);
      assertThat(text.getContentType()).startsWith("text/plain");
      assertThat((String) text.getContent())
          .contains("Why: VERIFY failed: check 'api-health' failed")
          .contains("Next: 1.0.0 is back. See why: slipway status " + id)
          .contains("Version: 2.0.0")
          .contains("https://slipway.example.com/deployments/" + id);
      assertThat(html.getContentType()).startsWith("text/html");
      assertThat((String) html.getContent())
          .contains("<h2>" + app + "/e2e: 2.0.0 was rolled back</h2>")
          .contains("check 'api-health' failed")
          .contains("<code>1.0.0 is back. See why: slipway status " + id + "</code>");

      Cli.Run listed = Cli.run(env.server(), "deliveries", "--deployment", id, "-o", "json");
      ListDeliveriesResponse.Builder deliveries = ListDeliveriesResponse.newBuilder();
      JsonFormat.parser().merge(listed.out(), deliveries);
      String deliveryId = deliveries.getDeliveries(0).getId();
      assertThat(mail.getMessageID()).isEqualTo("<msg_" + deliveryId + "@slipway>");
      assertThat(deliveries.getDeliveries(0).getAttempts(0).getDetail())
          .isEqualTo("SMTP accepted it for ops@example.com, oncall@example.com");
    } finally {
      health.stop(0);
    }
  }

  private static List<MimeMessage> of(E2eEnvironment env, String app) throws Exception {
    return Arrays.stream(env.mail.getReceivedMessages())
        .filter(
            m -> {
              try {
                return m.getSubject().startsWith(app + "/");
              } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
              }
            })
        .toList();
  }
}
