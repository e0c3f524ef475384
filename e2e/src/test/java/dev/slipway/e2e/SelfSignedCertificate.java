package dev.slipway.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** A certificate for 127.0.0.1 and localhost made by the JDK's keytool, written as PEM files. */
record SelfSignedCertificate(Path certificate, Path privateKey) {
  private static final char[] PASSWORD = "changeit".toCharArray();

  static SelfSignedCertificate create(Path dir, String name) throws Exception {
    Path keyStore = dir.resolve(name + ".p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                name,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "san=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + output);
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD);
    }
    Certificate certificate = store.getCertificate(name);
    PrivateKey key = (PrivateKey) store.getKey(name, PASSWORD);
    return new SelfSignedCertificate(
        Files.writeString(dir.resolve(name + ".crt"), pem("CERTIFICATE", certificate.getEncoded())),
        Files.writeString(dir.resolve(name + ".key"), pem("PRIVATE KEY", key.getEncoded())));
  }

  private static String pem(String type, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }
}
