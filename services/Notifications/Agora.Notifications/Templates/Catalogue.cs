namespace Agora.Notifications.Templates;

/// <summary>Notification categories: what a participant chooses channels for.</summary>
public static class Categories
{
    public const string Account = "account";
    public const string Workshops = "workshops";
    public const string Charter = "charter";
    public const string Actions = "actions";
    public const string Announcements = "announcements";
    public const string Digest = "digest";

    public static readonly IReadOnlyList<string> All = [Account, Workshops, Charter, Actions, Announcements, Digest];
}

/// <summary>The platform's notification texts.</summary>
public static class Catalogue
{
    private static MessageTemplate T(string key, string category,
        (string Title, string Body) ar, (string Title, string Body) fr, (string Title, string Body) en) =>
        new(key, category, new Dictionary<string, (string, string)> { ["ar"] = ar, ["fr"] = fr, ["en"] = en });

    public static TemplateCatalogue Default { get; } = new(
    [
        T("code.sign-in", Categories.Account,
            ("رمز الدخول إلى الأغورا", "رمز الدخول الخاص بكم: {code}. صالح لبضع دقائق. لا تشاركوه مع أيّ شخص."),
            ("Votre code de connexion à l'Agora", "Votre code de connexion : {code}. Il est valable quelques minutes. Ne le communiquez à personne."),
            ("Your Agora sign-in code", "Your sign-in code: {code}. It is valid for a few minutes. Do not share it with anyone.")),
        T("code.verify-email", Categories.Account,
            ("تأكيد بريدكم الإلكتروني", "رمز تأكيد بريدكم الإلكتروني: {code}. أدخلوه في الأغورا لتأكيد تسجيلكم."),
            ("Confirmez votre adresse e-mail", "Votre code de confirmation : {code}. Saisissez-le sur l'Agora pour confirmer votre inscription."),
            ("Confirm your email address", "Your confirmation code: {code}. Enter it on the Agora to confirm your registration.")),
        T("welcome", Categories.Account,
            ("مرحبًا بكم في الأغورا", "شكرًا لتسجيلكم في المؤتمر الوطني للحركات الاجتماعية والمواطنين. سيُراجَع تسجيلكم قريبًا."),
            ("Bienvenue à l'Agora", "Merci de votre inscription à la conférence nationale des mouvements sociaux et des citoyens. Votre inscription sera examinée prochainement."),
            ("Welcome to the Agora", "Thank you for registering for the national conference of social movements and citizens. Your registration will be reviewed soon.")),
        T("vetting.approved", Categories.Account,
            ("تمّت الموافقة على تسجيلكم", "تمّت الموافقة على مشاركتكم في الأغورا. يمكنكم الآن التسجيل في الورشات."),
            ("Votre inscription est approuvée", "Votre participation à l'Agora est approuvée. Vous pouvez maintenant vous inscrire aux ateliers."),
            ("Your registration is approved", "Your participation in the Agora is approved. You can now register for workshops.")),
        T("vetting.confirmed", Categories.Account,
            ("تمّ تأكيد تسجيلكم", "تمّ تأكيد مشاركتكم في الأغورا. يمكنكم الآن التسجيل في الورشات."),
            ("Votre inscription est confirmée", "Votre participation à l'Agora est confirmée. Vous pouvez maintenant vous inscrire aux ateliers."),
            ("Your registration is confirmed", "Your participation in the Agora is confirmed. You can now register for workshops.")),
        T("vetting.rejected", Categories.Account,
            ("لم تتمّ الموافقة على تسجيلكم", "نأسف، لم تتمّ الموافقة على طلب مشاركتكم. يمكنكم التواصل مع لجنة التسيير لمزيد من التوضيح."),
            ("Votre inscription n'est pas retenue", "Nous regrettons : votre demande de participation n'a pas été retenue. Vous pouvez contacter le comité de pilotage pour en savoir plus."),
            ("Your registration was not approved", "We are sorry: your request to take part was not approved. You can contact the steering committee to learn more.")),
        T("membership.invited.member", Categories.Account,
            ("دعوة للانضمام إلى منظّمة أو حركة", "دعتكم منظّمة أو حركة إلى الانضمام إليها بصفة عضو. يمكنكم قبول الدعوة أو رفضها من صفحة عضويّاتكم في الأغورا."),
            ("Invitation à rejoindre une organisation ou un mouvement", "Une organisation ou un mouvement vous invite à le rejoindre en tant que membre. Vous pouvez accepter ou refuser l'invitation dans vos adhésions sur l'Agora."),
            ("Invitation to join an organization or movement", "An organization or movement invited you to join it as a member. You can accept or decline the invitation in your memberships on the Agora.")),
        T("membership.invited.delegate", Categories.Account,
            ("دعوة للانضمام إلى منظّمة أو حركة", "دعتكم منظّمة أو حركة إلى الانضمام إليها بصفة مندوب. يمكنكم قبول الدعوة أو رفضها من صفحة عضويّاتكم في الأغورا."),
            ("Invitation à rejoindre une organisation ou un mouvement", "Une organisation ou un mouvement vous invite à le rejoindre en tant que délégué·e. Vous pouvez accepter ou refuser l'invitation dans vos adhésions sur l'Agora."),
            ("Invitation to join an organization or movement", "An organization or movement invited you to join it as a delegate. You can accept or decline the invitation in your memberships on the Agora.")),
        T("membership.invited.spokesperson", Categories.Account,
            ("دعوة للانضمام إلى منظّمة أو حركة", "دعتكم منظّمة أو حركة إلى الانضمام إليها بصفة ناطق رسمي. يمكنكم قبول الدعوة أو رفضها من صفحة عضويّاتكم في الأغورا."),
            ("Invitation à rejoindre une organisation ou un mouvement", "Une organisation ou un mouvement vous invite à le rejoindre en tant que porte-parole. Vous pouvez accepter ou refuser l'invitation dans vos adhésions sur l'Agora."),
            ("Invitation to join an organization or movement", "An organization or movement invited you to join it as a spokesperson. You can accept or decline the invitation in your memberships on the Agora.")),
        T("session.registration-confirmed", Categories.Workshops,
            ("تأكيد التسجيل في الجلسة", "تمّ تأكيد تسجيلكم في جلسة الورشة التي تبدأ في {startsAt} (بتوقيت تونس)."),
            ("Inscription à la séance confirmée", "Votre inscription à la séance de l'atelier qui commence le {startsAt} (heure de Tunis) est confirmée."),
            ("Session registration confirmed", "Your registration for the workshop session starting {startsAt} (Tunis time) is confirmed.")),
        T("session.waitlisted", Categories.Workshops,
            ("أنتم على قائمة الانتظار", "الجلسة التي تبدأ في {startsAt} (بتوقيت تونس) ممتلئة. أنتم على قائمة الانتظار وسنُعلمكم إن تحرّر مكان."),
            ("Vous êtes sur liste d'attente", "La séance du {startsAt} (heure de Tunis) est complète. Vous êtes sur liste d'attente ; nous vous préviendrons si une place se libère."),
            ("You are on the waiting list", "The session starting {startsAt} (Tunis time) is full. You are on the waiting list; we will tell you if a place frees up.")),
        T("session.waitlist-promoted", Categories.Workshops,
            ("تحرّر مكان لكم", "تحرّر مكان في الجلسة التي تبدأ في {startsAt} (بتوقيت تونس): تسجيلكم مؤكَّد الآن."),
            ("Une place s'est libérée", "Une place s'est libérée pour la séance du {startsAt} (heure de Tunis) : votre inscription est maintenant confirmée."),
            ("A place opened up", "A place opened up in the session starting {startsAt} (Tunis time): your registration is now confirmed.")),
        T("session.reminder-24h", Categories.Workshops,
            ("تذكير: جلستكم غدًا", "تذكير: تبدأ جلسة ورشتكم في {startsAt} (بتوقيت تونس)."),
            ("Rappel : votre séance demain", "Rappel : votre séance d'atelier commence le {startsAt} (heure de Tunis)."),
            ("Reminder: your session tomorrow", "Reminder: your workshop session starts {startsAt} (Tunis time).")),
        T("session.reminder-1h", Categories.Workshops,
            ("تذكير: جلستكم بعد ساعة", "تبدأ جلسة ورشتكم بعد ساعة، في {startsAt} (بتوقيت تونس)."),
            ("Rappel : votre séance dans une heure", "Votre séance d'atelier commence dans une heure, à {startsAt} (heure de Tunis)."),
            ("Reminder: your session in one hour", "Your workshop session starts in one hour, at {startsAt} (Tunis time).")),
        T("session.cancelled", Categories.Workshops,
            ("أُلغيت جلسة", "أُلغيت جلسة ورشة كنتم مسجَّلين فيها. سنُعلمكم بالموعد الجديد إن وُجد."),
            ("Séance annulée", "Une séance d'atelier à laquelle vous étiez inscrit·e est annulée. Nous vous informerons d'une nouvelle date le cas échéant."),
            ("Session cancelled", "A workshop session you registered for is cancelled. We will let you know of any new date.")),
        T("session.changed", Categories.Workshops,
            ("تغيير في جلسة", "تغيّر موعد أو مكان جلسة ورشة سجّلتم فيها: تبدأ الآن في {startsAt} (بتوقيت تونس). اطّلعوا على البرنامج لمعرفة المكان أو الرابط."),
            ("Séance modifiée", "L'horaire ou le lieu d'une séance d'atelier à laquelle vous êtes inscrit·e a changé : elle commence désormais le {startsAt} (heure de Tunis). Consultez le programme pour le lieu ou le lien."),
            ("Session changed", "The time or place of a workshop session you registered for has changed: it now starts {startsAt} (Tunis time). See the programme for its place or link.")),
        T("workshop.minutes-published", Categories.Workshops,
            ("نُشر محضر الورشة", "نُشرت النسخة {version} من محضر ورشتكم. يمكنكم الاطّلاع عليها في الأغورا."),
            ("Compte rendu publié", "La version {version} du compte rendu de votre atelier est publiée. Vous pouvez la consulter sur l'Agora."),
            ("Minutes published", "Version {version} of your workshop's minutes is published. You can read it on the Agora.")),
        T("charter.statement-accepted", Categories.Charter,
            ("قُبل مقترحكم", "قُبلت صياغة من مساهمتكم في محور «{theme}» وهي الآن مفتوحة للتصويت."),
            ("Votre proposition est retenue", "Un énoncé issu de votre contribution sur le thème « {theme} » est retenu et ouvert au vote."),
            ("Your statement was accepted", "A statement from your contribution on the theme \"{theme}\" was accepted and is open for votes.")),
        T("charter.version-published", Categories.Charter,
            ("نسخة جديدة من الميثاق", "نُشرت النسخة {version} من الميثاق ({articleCount} فصلًا). اطّلعوا عليها في الأغورا."),
            ("Nouvelle version de la charte", "La version {version} de la charte ({articleCount} articles) est publiée. Consultez-la sur l'Agora."),
            ("New charter version", "Version {version} of the charter ({articleCount} articles) is published. Read it on the Agora.")),
        T("charter.ballot-opened", Categories.Charter,
            ("فُتح التصويت على الميثاق", "فُتح التصويت على النسخة {version} من الميثاق ويُغلق في {closesAt} (بتوقيت تونس)."),
            ("Le vote sur la charte est ouvert", "Le vote sur la version {version} de la charte est ouvert jusqu'au {closesAt} (heure de Tunis)."),
            ("Charter ballot open", "The ballot on version {version} of the charter is open until {closesAt} (Tunis time).")),
        T("charter.ballot-closed.adopted", Categories.Charter,
            ("أُغلق التصويت: اعتُمد الميثاق", "أُغلق التصويت على النسخة {version} من الميثاق وقد اعتُمدت."),
            ("Vote clos : charte adoptée", "Le vote sur la version {version} de la charte est clos : elle est adoptée."),
            ("Ballot closed: charter adopted", "The ballot on version {version} of the charter is closed: it is adopted.")),
        T("charter.ballot-closed.not-adopted", Categories.Charter,
            ("أُغلق التصويت: لم يُعتمد الميثاق", "أُغلق التصويت على النسخة {version} من الميثاق ولم تُعتمد. سيتواصل العمل على نسخة جديدة."),
            ("Vote clos : charte non adoptée", "Le vote sur la version {version} de la charte est clos : elle n'est pas adoptée. Le travail continue sur une nouvelle version."),
            ("Ballot closed: charter not adopted", "The ballot on version {version} of the charter is closed: it is not adopted. Work continues on a new version.")),
        T("charter.adopted", Categories.Charter,
            ("اعتُمد الميثاق", "اعتُمدت النسخة {version} من الميثاق. شكرًا لمشاركتكم."),
            ("La charte est adoptée", "La version {version} de la charte est adoptée. Merci de votre participation."),
            ("The charter is adopted", "Version {version} of the charter is adopted. Thank you for taking part.")),
        T("action.deadline-approaching", Categories.Actions,
            ("اقترب أجل عمل", "يقترب أجل عمل من خطة العمل التي تتابعونها: {deadline}."),
            ("Échéance d'une action proche", "L'échéance d'une action du plan que vous suivez approche : {deadline}."),
            ("Action deadline approaching", "The deadline of an action plan item you own is approaching: {deadline}.")),
        T(TemplateCatalogue.Announcement, Categories.Announcements,
            ("{title}", "{body}"), ("{title}", "{body}"), ("{title}", "{body}")),
        T("digest", Categories.Digest,
            ("ملخّصكم اليومي", "لديكم {count} إشعارات جديدة:\n{items}"),
            ("Votre résumé du jour", "Vous avez {count} nouvelles notifications :\n{items}"),
            ("Your daily digest", "You have {count} new notifications:\n{items}")),
    ]);
}
