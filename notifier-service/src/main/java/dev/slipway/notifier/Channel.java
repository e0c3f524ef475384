package dev.slipway.notifier;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;
import java.util.Map;

/**
 * A channel configured on the notifier under {@code slipway.notifier.channels.<name>}, or applied
 * as a resource and read from the orchestrator ({@link ChannelDirectory}): a Standard Webhooks
 * endpoint ({@code type: webhook}, the default) or a Slack incoming webhook ({@code type: slack})
 * or email by SMTP ({@code type: email}).
 */
@EachProperty("slipway.notifier.channels")
public class Channel {
  private final String name;
  private String url = "";
  private String secret = "";
  private String retrySchedule = "";
  private int maxConcurrent = 4;
  private String type = "webhook";
  private String smtpHost = "";
  private int smtpPort = 587;
  private boolean starttls = true;
  private String username = "";
  private String password = "";
  private String from = "";
  private String to = "";
  private volatile RetryPolicy policy;
  private String source = "configuration";
  private String problem = "";
  private Map<String, Message.Template> templates = Map.of();

  public Channel(@Parameter String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getSecret() {
    return secret;
  }

  public void setSecret(String secret) {
    this.secret = secret;
  }

  /** Waits between attempts, e.g. {@code 5s,5m,30m,2h,5h,10h,10h} (the default). */
  public String getRetrySchedule() {
    return retrySchedule;
  }

  public void setRetrySchedule(String retrySchedule) {
    this.retrySchedule = retrySchedule;
    this.policy = null;
  }

  /** The retry schedule, parsed once; IllegalArgumentException when it does not parse. */
  public RetryPolicy policy() {
    RetryPolicy parsed = policy;
    if (parsed == null) {
      parsed = RetryPolicy.parse(retrySchedule);
      policy = parsed;
    }
    return parsed;
  }

  /** How many webhooks to this channel may be in flight at once. */
  public int getMaxConcurrent() {
    return maxConcurrent;
  }

  public void setMaxConcurrent(int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
  }

  /** webhook or slack. */
  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public boolean slack() {
    return "slack".equals(type);
  }

  public boolean email() {
    return "email".equals(type);
  }

  public String getSmtpHost() {
    return smtpHost;
  }

  public void setSmtpHost(String smtpHost) {
    this.smtpHost = smtpHost;
  }

  public int getSmtpPort() {
    return smtpPort;
  }

  public void setSmtpPort(int smtpPort) {
    this.smtpPort = smtpPort;
  }

  /** Whether the SMTP session must upgrade to TLS (STARTTLS) before it authenticates. */
  public boolean isStarttls() {
    return starttls;
  }

  public void setStarttls(boolean starttls) {
    this.starttls = starttls;
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }

  public String getFrom() {
    return from;
  }

  public void setFrom(String from) {
    this.from = from;
  }

  /** Recipients, comma-separated. */
  public String getTo() {
    return to;
  }

  public void setTo(String to) {
    this.to = to;
  }

  /** Where it is defined: "configuration", or which applied revision. */
  public String getSource() {
    return source;
  }

  public void setSource(String source) {
    this.source = source;
  }

  /** Its own wording of messages, by event kind (applied channels only). */
  public Map<String, Message.Template> getTemplates() {
    return templates;
  }

  public void setTemplates(Map<String, Message.Template> templates) {
    this.templates = Map.copyOf(templates);
  }

  /** Why it cannot be sent to now (a secret it names is not set); empty when it can. */
  public String getProblem() {
    return problem;
  }

  public void setProblem(String problem) {
    this.problem = problem;
  }
}
