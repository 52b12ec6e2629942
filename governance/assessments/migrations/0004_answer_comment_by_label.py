from django.db import migrations, models
from django.db.models import F


def comments_by_their_answerer(apps, schema_editor):
    # Before this field the answer's last writer is the best record of who wrote a comment.
    Answer = apps.get_model("assessments", "Answer")
    Answer.objects.exclude(comment="").update(comment_by_label=F("updated_by_label"))


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_assessment_scoring_attempts"),
    ]

    operations = [
        migrations.AddField(
            model_name="answer",
            name="comment_by_label",
            field=models.CharField(
                blank=True,
                help_text="User or respondent link that wrote the comment.",
                max_length=200,
                verbose_name="comment by",
            ),
        ),
        migrations.RunPython(comments_by_their_answerer, migrations.RunPython.noop),
    ]
