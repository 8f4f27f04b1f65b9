function 0 (defined 0):
  0000  endbr64
  0004  push      rbp
  0005  mov       rbp,rsp
  0008  lea       rax,[rsp-30h]
  0010  cmp       rax,[r15+10h]
  0017  jb        0000000000000428h
  001d  sub       rsp,30h
  0024  sub       qword ptr [r15+20h],1Fh
  002c  js        0000000000000156h
  0032  mov       qword ptr [rbp-8],1
  003d  mov       qword ptr [rbp-10h],2
  0048  mov       qword ptr [rbp-18h],3
  0053  mov       ebx,[rbp+10h]
  005a  mov       qword ptr [rbp-20h],4
  0065  cmp       ebx,4
  006c  jbe       0000000000000091h
  0072  cmp       ebx,7
  0079  ja        00000000000000F9h
  007f  cmp       ebx,5
  0086  jbe       00000000000000B0h
  008c  jmp       00000000000000C8h
  0091  cmp       ebx,2
  0098  ja        00000000000000E1h
  009e  cmp       ebx,1
  00a5  jbe       00000000000000F9h
  00ab  jmp       00000000000000B0h
  00b0  sub       qword ptr [r15+20h],2
  00b5  mov       r11,[rbp-20h]
  00bc  mov       [rbp-18h],r11
  00c3  jmp       0000000000000116h
  00c8  sub       qword ptr [r15+20h],2
  00cd  mov       r11,[rbp-20h]
  00d4  mov       [rbp+10h],r11
  00db  mov       rsp,rbp
  00de  pop       rbp
  00df  ret
  00e0  int3
  00e1  sub       qword ptr [r15+20h],2
  00e6  mov       r11,[rbp-20h]
  00ed  mov       [rbp-10h],r11
  00f4  jmp       0000000000000133h
  00f9  mov       ebx,[rbp-20h]
  0100  mov       esi,[rbp-18h]
  0107  add       esi,ebx
  010a  mov       [rbp-18h],rsi
  0111  sub       qword ptr [r15+20h],2
  0116  mov       ebx,[rbp-18h]
  011d  mov       esi,[rbp-10h]
  0124  add       esi,ebx
  0127  mov       [rbp-10h],rsi
  012e  sub       qword ptr [r15+20h],2
  0133  mov       ebx,[rbp-10h]
  013a  mov       esi,[rbp-8]
  0141  add       esi,ebx
  0144  sub       qword ptr [r15+20h],4
  0149  mov       [rbp+10h],rsi
  0150  mov       rsp,rbp
  0153  pop       rbp
  0154  ret
  0155  int3
  0156  mov       rdi,r15
  0159  mov       rsi,rsp
  015c  mov       rdx,r11
  015f  call      0000000000000164h
  0164  test      eax,eax
  0166  jne       00000000000003D3h
  016c  mov       r14,[r15]
  0173  jmp       0000000000000032h
function 1 (defined 1):
  0180  endbr64
  0184  push      rbp
  0185  mov       rbp,rsp
  0188  lea       rax,[rsp-20h]
  0190  cmp       rax,[r15+10h]
  0197  jb        0000000000000428h
  019d  sub       rsp,20h
  01a4  sub       qword ptr [r15+20h],17h
  01ac  js        00000000000002A7h
  01b2  mov       ebx,[rbp+10h]
  01b9  mov       qword ptr [rbp-8],7
  01c4  mov       qword ptr [rbp-10h],1
  01cf  cmp       ebx,1
  01d6  jne       00000000000001F4h
  01dc  sub       qword ptr [r15+20h],2
  01e1  mov       r11,[rbp-10h]
  01e8  mov       [rbp-8],r11
  01ef  jmp       000000000000028Eh
  01f4  mov       ebx,[rbp+10h]
  01fb  mov       qword ptr [rbp-10h],2
  0206  sub       qword ptr [r15+20h],6
  020b  cmp       ebx,2
  0212  je        00000000000001DCh
  0218  mov       ebx,[rbp+10h]
  021f  mov       qword ptr [rbp-10h],3
  022a  sub       qword ptr [r15+20h],6
  022f  cmp       ebx,3
  0236  jne       0000000000000255h
  023c  sub       qword ptr [r15+20h],2
  0241  mov       r11,[rbp-10h]
  0248  mov       [rbp+10h],r11
  024f  mov       rsp,rbp
  0252  pop       rbp
  0253  ret
  0254  int3
  0255  mov       ebx,[rbp+10h]
  025c  mov       qword ptr [rbp-10h],4
  0267  sub       qword ptr [r15+20h],6
  026c  cmp       ebx,4
  0273  je        000000000000023Ch
  0279  mov       qword ptr [rbp-10h],9
  0284  sub       qword ptr [r15+20h],3
  0289  jmp       00000000000001DCh
  028e  sub       qword ptr [r15+20h],3
  0293  mov       r11,[rbp-8]
  029a  mov       [rbp+10h],r11
  02a1  mov       rsp,rbp
  02a4  pop       rbp
  02a5  ret
  02a6  int3
  02a7  mov       rdi,r15
  02aa  mov       rsi,rsp
  02ad  mov       rdx,r11
  02b0  call      00000000000002B5h
  02b5  test      eax,eax
  02b7  jne       00000000000003D3h
  02bd  mov       r14,[r15]
  02c4  jmp       00000000000001B2h
