/* SafeNest: tell the LMS that Dynamic Registration is finished (LTI DR spec). */
(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');
