package com.catalogrender

import com.catalogrender.diffusion.ModelDirectory
import com.catalogrender.jobs.Main
import com.catalogrender.quality.ClipScorer
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayOutputStream, PrintStream}
import java.nio.file.{Files, Path}
import javax.imageio.ImageIO
import scala.jdk.CollectionConverters._

/** `submit.sh render-one` end to end in-process: the committed model, a PNG, what the caption asks for. */
class RenderOneSuite extends AnyFunSuite {
  private val root = Path.of(sys.props.getOrElse("catalogrender.root", "..")).toAbsolutePath.normalize
  private val modelDir = root.resolve("models/demo")

  private def runMain(args: String*): (Int, String) = {
    val buffer = new ByteArrayOutputStream()
    val out = System.out
    System.setOut(new PrintStream(buffer, true))
    try {
      val code = Main.run(args.toArray)
      (code, buffer.toString)
    } finally System.setOut(out)
  }

  private def withTempDir[T](body: Path => T): T = {
    val dir = Files.createTempDirectory("render-one")
    try body(dir)
    finally dir.toFile.listFiles.foreach(_.delete())
  }

  test("render-one writes an upscaled PNG that shows the caption's product, colour and background") {
    withTempDir { dir =>
      val scorer = ClipScorer.load(ModelDirectory.open(modelDir))
      try {
        val cases = Seq(
          ("mug", "red", "beach", 3L),
          ("bottle", "blue", "wood", 4L),
          ("box", "yellow", "marble", 5L),
          ("watch", "green", "studio white", 6L)
        )
        var correct = 0
        for ((category, colour, background, seed) <- cases) {
          val caption = s"$colour $category on $background, studio lighting from upper-left"
          val out = dir.resolve(s"$category.png")
          val (code, printed) = runMain(
            "render-one", "--caption", caption, "--seed", seed.toString, "--variant", "int8",
            "--out", out.toString, "--size", "256", "--model-dir", modelDir.toString)
          assert(code == 0, printed)
          assert(printed.contains("unet"), printed)
          val image = ImageIO.read(out.toFile)
          assert(image.getWidth == 256 && image.getHeight == 256)
          val seen = scorer
            .recognise(image, Map("category" -> category, "colour" -> colour, "background" -> background,
              "lighting" -> "upper-left").asJava)
            .asScala
          correct += Seq(seen("category") == category, seen("colour") == colour, seen("background") == background)
            .count(identity)
        }
        // 12 attributes asked; the demo model gets most of them right
        assert(correct >= 9, s"only $correct of 12 attributes recognised")
      } finally scorer.close()
    }
  }

  test("render-one names a bad variant, a bad size and a missing model") {
    withTempDir { dir =>
      val out = dir.resolve("x.png").toString
      val err = new ByteArrayOutputStream()
      val saved = System.err
      System.setErr(new PrintStream(err, true))
      try {
        assert(Main.run(Array("render-one", "--caption", "a mug", "--variant", "int4", "--out", out)) == 2)
        assert(Main.run(Array("render-one", "--caption", "a mug", "--size", "0", "--out", out,
          "--model-dir", modelDir.toString)) == 2)
        assert(Main.run(Array("render-one", "--caption", "a mug", "--out", out, "--model-dir",
          dir.resolve("nowhere").toString)) == 1)
        assert(Main.run(Array("render-one", "--captoin", "a mug")) == 2)
      } finally System.setErr(saved)
      val text = err.toString
      assert(text.contains("Unknown UNet variant: 'int4'"), text)
      assert(text.contains("--size must be in [8, 8192], got 0"), text)
      assert(text.contains("No manifest.json in model directory"), text)
      assert(text.contains("Unknown option") && text.contains("'--captoin'"), text)
    }
  }
}
