package dev.slipway.notifier;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Authenticator;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.util.Map;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * Sends a {@link Message} by SMTP to an email channel's recipients, as text and HTML parts of one
 * multipart/alternative message. Its Message-ID is the delivery's, so a copy that a retry sends
 * again is recognisably the same message.
 */
final class Mailer {
  private static final String TIMEOUT_MILLIS = "10000";

  /** How one send ended: delivered, or failed for now (retried) or for good. */
  record Sent(boolean delivered, boolean permanent, String detail) {}

  private Mailer() {}

  static Sent send(Channel channel, Message message, String deliveryId, String dashboardUrl) {
    Properties smtp = new Properties();
    smtp.put("mail.smtp.host", channel.getSmtpHost());
    smtp.put("mail.smtp.port", Integer.toString(channel.getSmtpPort()));
    smtp.put("mail.smtp.connectiontimeout", TIMEOUT_MILLIS);
    smtp.put("mail.smtp.timeout", TIMEOUT_MILLIS);
    smtp.put("mail.smtp.writetimeout", TIMEOUT_MILLIS);
    smtp.put("mail.smtp.starttls.enable", Boolean.toString(channel.isStarttls()));
    smtp.put("mail.smtp.starttls.required", Boolean.toString(channel.isStarttls()));
    boolean auth = !channel.getUsername().isEmpty();
    smtp.put("mail.smtp.auth", Boolean.toString(auth));
    Session session =
        Session.getInstance(
            smtp,
            auth
                ? new Authenticator() {
                  @Override
                  protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(channel.getUsername(), channel.getPassword());
                  }
                }
                : null);
    try {
      MimeMessage mail = new Identified(session, "<msg_" + deliveryId + "@slipway>");
      mail.setFrom(new InternetAddress(channel.getFrom()));
      mail.setRecipients(
          jakarta.mail.Message.RecipientType.TO, InternetAddress.parse(channel.getTo()));
      mail.setSubject(message.title(), "UTF-8");
      MimeBodyPart text = new MimeBodyPart();
      text.setText(text(message, dashboardUrl), "UTF-8");
      MimeBodyPart html = new MimeBodyPart();
      html.setContent(html(message, dashboardUrl), "text/html; charset=UTF-8");
      mail.setContent(new MimeMultipart("alternative", text, html));
      Transport.send(mail);
      return new Sent(true, false, "SMTP accepted it for " + channel.getTo());
    } catch (AuthenticationFailedException e) {
      return new Sent(
          false, true, "the SMTP server refused the channel's login: " + e.getMessage());
    } catch (MessagingException e) {
      // 5xx (at MAIL, RCPT or DATA, reported nested) refuses this message for good; 4xx and no
      // answer ask to try again later.
      int code = replyCode(e);
      return new Sent(
          false,
          code >= 500,
          (code > 0 ? "SMTP " + code + ": " : "cannot send mail: ") + e.getMessage().strip());
    }
  }

  /** The SMTP reply code anywhere in the failure, or 0. */
  private static int replyCode(Exception failure) {
    for (Exception e = failure; e != null; ) {
      if (e instanceof SMTPSendFailedException send) {
        return send.getReturnCode();
      }
      if (e instanceof SMTPAddressFailedException address) {
        return address.getReturnCode();
      }
      if (e instanceof SMTPSenderFailedException sender) {
        return sender.getReturnCode();
      }
      e = e instanceof MessagingException m ? m.getNextException() : null;
    }
    return 0;
  }

  private static String text(Message message, String dashboardUrl) {
    StringBuilder text = new StringBuilder(message.title()).append("\n\n");
    if (!message.why().isEmpty()) {
      text.append("Why: ").append(message.why()).append("\n");
    }
    if (!message.next().isEmpty()) {
      text.append("Next: ").append(message.next()).append("\n");
    }
    text.append("\n");
    message.facts().forEach((k, v) -> text.append(k).append(": ").append(v).append("\n"));
    if (!dashboardUrl.isEmpty()) {
      text.append("\n")
          .append(dashboardUrl)
          .append("/deployments/")
          .append(message.deploymentId())
          .append("\n");
    }
    return text.toString();
  }

  private static String html(Message message, String dashboardUrl) {
    StringBuilder html =
        new StringBuilder("<html><body><h2>").append(escape(message.title())).append("</h2>");
    if (!message.why().isEmpty()) {
      html.append("<p>").append(escape(message.why())).append("</p>");
    }
    if (!message.next().isEmpty()) {
      html.append("<p><b>Next:</b> <code>").append(escape(message.next())).append("</code></p>");
    }
    html.append("<table>");
    for (Map.Entry<String, String> fact : message.facts().entrySet()) {
      html.append("<tr><th align=\"left\">")
          .append(escape(fact.getKey()))
          .append("</th><td>")
          .append(escape(fact.getValue()))
          .append("</td></tr>");
    }
    html.append("</table>");
    if (!dashboardUrl.isEmpty()) {
      String link = dashboardUrl + "/deployments/" + message.deploymentId();
      html.append("<p><a href=\"").append(escape(link)).append("\">Open deployment</a></p>");
    }
    return html.append("</body></html>").toString();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** A message whose Message-ID is the delivery's, not one the session makes up. */
  private static final class Identified extends MimeMessage {
    private final String id;

    Identified(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
