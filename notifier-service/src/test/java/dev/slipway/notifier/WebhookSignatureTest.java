package dev.slipway.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
  /** The example from the Standard Webhooks specification. */
  @Test
  void matchesTheSpecificationsExample() {
    String signature =
        WebhookSignature.sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330L,
            "{\"test\": 2432232314}");
    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void duringARotationBothSecretsSignAndBothSignaturesAreSent() {
    String oldSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    String newSecret = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
    String both =
        WebhookSignature.sign(
            newSecret + "  " + oldSecret,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330L,
            "{\"test\": 2432232314}");
    String[] signatures = both.split(" ");
    assertThat(signatures).hasSize(2);
    assertThat(signatures[0])
        .isEqualTo(
            WebhookSignature.sign(
                newSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L, "{\"test\": 2432232314}"));
    assertThat(signatures[1]).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }
}
