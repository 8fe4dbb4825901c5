package com.catalogrender

import com.amazonaws.auth.{AWSStaticCredentialsProvider, BasicAWSCredentials}
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration
import com.amazonaws.services.s3.{AmazonS3, AmazonS3ClientBuilder}

import java.net.{InetSocketAddress, ServerSocket, Socket}
import java.nio.file.{Files, Path}

/**
 * A real S3-compatible server: s3proxy 4.1.0 (filesystem backend, credentials checked) in its own
 * JVM, so its Jetty and Jackson never meet Spark's. Started and stopped by the suite that uses it.
 */
final class S3ProxyServer(dir: Path) {
  val accessKey = "catalog-render-test"
  val secretKey = "catalog-render-secret"
  val port: Int = { val s = new ServerSocket(0); try s.getLocalPort finally s.close() }
  val endpoint = s"http://127.0.0.1:$port"
  private var process: Process = _

  def start(): Unit = {
    val jar = Path.of(sys.props.getOrElse("s3proxy.jar", "target/s3proxy/s3proxy.jar"))
    require(Files.isRegularFile(jar), s"s3proxy jar not found at $jar; run the tests through Maven")
    val blobs = Files.createDirectories(dir.resolve("blobs"))
    val properties = dir.resolve("s3proxy.properties")
    Files.writeString(properties,
      s"""s3proxy.endpoint=$endpoint
         |s3proxy.authorization=aws-v2-or-v4
         |s3proxy.identity=$accessKey
         |s3proxy.credential=$secretKey
         |jclouds.provider=filesystem
         |jclouds.filesystem.basedir=$blobs
         |""".stripMargin)
    val java = Path.of(System.getProperty("java.home"), "bin", "java").toString
    process = new ProcessBuilder(java, "-Xmx512m", "-jar", jar.toString, "--properties", properties.toString)
      .redirectErrorStream(true)
      .redirectOutput(dir.resolve("s3proxy.log").toFile)
      .start()
    val deadline = System.nanoTime() + 60L * 1000000000L
    while (!listening) {
      if (!process.isAlive) throw new IllegalStateException("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")))
      if (System.nanoTime() > deadline) throw new IllegalStateException("s3proxy did not start within 60 s")
      Thread.sleep(200)
    }
  }

  private def listening: Boolean =
    try { val s = new Socket(); try { s.connect(new InetSocketAddress("127.0.0.1", port), 200); true } finally s.close() }
    catch { case _: java.io.IOException => false }

  def client(): AmazonS3 = AmazonS3ClientBuilder.standard()
    .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
    .withPathStyleAccessEnabled(true)
    .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
    .build()

  /** The s3a settings that talk to this server, as spark.hadoop.* confs. */
  def sparkConf: Map[String, String] = Map(
    "fs.s3a.endpoint" -> endpoint,
    "fs.s3a.endpoint.region" -> "us-east-1",
    "fs.s3a.path.style.access" -> "true",
    "fs.s3a.connection.ssl.enabled" -> "false",
    "fs.s3a.access.key" -> accessKey,
    "fs.s3a.secret.key" -> secretKey,
    "fs.s3a.aws.credentials.provider" -> "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
    "fs.s3a.multipart.size" -> "5M",
    "fs.s3a.multipart.threshold" -> "5M",
    "fs.s3a.fast.upload.buffer" -> "bytebuffer"
  ).map { case (k, v) => s"spark.hadoop.$k" -> v }

  def stop(): Unit = if (process != null) { process.destroy(); process.waitFor() }
}
